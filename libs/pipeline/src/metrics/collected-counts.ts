import type { Counter } from 'prom-client';

/**
 * Counts for a prom-client Counter, gathered on the hot path and added to the counter only when it
 * is collected (a scrape, `get()`): call {@link flush} from the counter's `collect`. prom-client
 * hashes the label set of every inc() (its keys sorted); that was 1.6-3.8% of the samples of a
 * worker or a subscription counting each task or event (bench/README.md). Here the key is the
 * label values in a fixed order.
 */
export class CollectedCounts<L extends string> {
  readonly #names: readonly L[];
  readonly #counts = new Map<string, { readonly labels: Readonly<Record<L, string>>; count: number }>();

  /** `names`: the counter's label names; every label set added has all of them. */
  constructor(names: readonly L[]) {
    this.#names = names;
  }

  add(labels: Readonly<Record<L, string>>, by = 1): void {
    let key = '';
    for (const name of this.#names) key += `${labels[name]}\u0000`;
    const entry = this.#counts.get(key);
    if (entry) entry.count += by;
    else this.#counts.set(key, { labels: { ...labels }, count: by });
  }

  /** Adds what was counted since the last flush to `counter`. */
  flush(counter: Counter<L>): void {
    for (const entry of this.#counts.values()) {
      if (entry.count === 0) continue;
      counter.inc(entry.labels, entry.count);
      entry.count = 0;
    }
  }
}
