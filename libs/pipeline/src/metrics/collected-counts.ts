import type { Counter } from 'prom-client';

/**
 * Counts for a prom-client Counter, gathered on the hot path and added to the counter only when it
 * is collected (a scrape, `get()`): call {@link flush} from the counter's `collect`. prom-client
 * hashes the label set of every inc() (its keys sorted); that was 1.6-3.8% of the samples of a
 * worker or a subscription counting each task or event (bench/README.md). Here a label set is
 * found by its values, one map per label in a fixed order: no key string is built per count (a
 * joined key cost 301-317 ns an add against 128-138 ns, bench/README.md).
 */
type Level<L extends string> = Map<string, Level<L> | Entry<L>>;

interface Entry<L extends string> {
  readonly labels: Readonly<Record<L, string>>;
  count: number;
}

export class CollectedCounts<L extends string> {
  readonly #names: readonly L[];
  readonly #root: Level<L> = new Map();
  readonly #entries: Entry<L>[] = [];

  /** `names`: the counter's label names (at least one); every label set added has all of them. */
  constructor(names: readonly L[]) {
    if (names.length === 0) throw new Error('CollectedCounts needs at least one label name');
    this.#names = names;
  }

  add(labels: Readonly<Record<L, string>>, by = 1): void {
    const names = this.#names;
    const last = names.length - 1;
    let level = this.#root;
    for (let i = 0; i < last; i++) {
      const value = String(labels[names[i]!]);
      let next = level.get(value) as Level<L> | undefined;
      if (!next) level.set(value, (next = new Map()));
      level = next;
    }
    const value = String(labels[names[last]!]);
    const entry = level.get(value) as Entry<L> | undefined;
    if (entry) entry.count += by;
    else {
      const created = { labels: { ...labels }, count: by };
      level.set(value, created);
      this.#entries.push(created);
    }
  }

  /** Adds what was counted since the last flush to `counter`. */
  flush(counter: Counter<L>): void {
    for (const entry of this.#entries) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}
