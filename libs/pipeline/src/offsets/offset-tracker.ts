import { SwitchyardError } from '@switchyard/protocol';

/** Compact the hand-out queue once this many settled entries sit before its head. */
const COMPACT_THRESHOLD = 1024;

const OFFSET_PATTERN = /^\d+$/;

function parseOffset(offset: string): bigint {
  if (typeof offset !== 'string' || !OFFSET_PATTERN.test(offset)) {
    throw new SwitchyardError(
      'SY_UNDECODABLE_MESSAGE',
      `Invalid Kafka offset ${JSON.stringify(offset)}: expected a non-negative integer string`,
      { hint: 'Pass the record offset exactly as the Kafka client returns it.', details: { offset } },
    );
  }
  return BigInt(offset);
}

/**
 * Tracks the records of one topic-partition that were handed out for processing and tells which
 * offset may be committed: everything below the lowest record still in flight is done.
 *
 * Offsets are strings at the boundary (as Kafka clients return them) and `bigint` inside.
 * Memory is bounded by the in-flight window: offsets are dropped as soon as the low watermark
 * (the lowest incomplete offset) moves past them.
 */
export class PartitionOffsetTracker {
  /** Offsets handed out, ascending; entries before `#head` are settled and awaiting compaction. */
  #order: bigint[] = [];
  #head = 0;
  readonly #incomplete = new Set<bigint>();
  /** Completed offsets at or above the committed one: a crash now would hand them out again. */
  #doneUncommitted: bigint[] = [];
  #highest: bigint | undefined;
  #committed: bigint | undefined;
  #revoked = false;

  /**
   * True once the partition was revoked or lost ({@link OffsetTrackers.revoke}): outcomes of the
   * records this tracker handed out must not be written any more (the partition's next owner, or
   * this member's next tracker of it, runs them again).
   */
  get revoked(): boolean {
    return this.#revoked;
  }

  /** Marks this tracker as belonging to an ownership that ended. */
  markRevoked(): void {
    this.#revoked = true;
  }

  /**
   * Records that `offset` was handed out. Offsets must arrive in increasing order; an offset not
   * above {@link highestTracked} (a re-delivery) is ignored and `false` is returned. A consumer
   * that seeks backwards must rebuild the tracker.
   */
  track(offset: string): boolean {
    const value = parseOffset(offset);
    if (this.#highest !== undefined && value <= this.#highest) return false;
    this.#highest = value;
    this.#order.push(value);
    this.#incomplete.add(value);
    return true;
  }

  /** Marks a tracked offset as processed. Returns `false` for an unknown or already completed offset. */
  complete(offset: string): boolean {
    const value = parseOffset(offset);
    if (!this.#incomplete.delete(value)) return false;
    this.#doneUncommitted.push(value);
    this.#advanceHead();
    return true;
  }

  /**
   * The offset to commit next (Kafka semantics: the next offset to consume): the lowest tracked
   * offset still in flight, or `highestTracked + 1` when everything tracked is complete.
   * `undefined` when nothing was tracked or nothing moved since {@link markCommitted}.
   */
  committable(): string | undefined {
    const next = this.#nextToCommit();
    if (next === undefined) return undefined;
    if (this.#committed !== undefined && next <= this.#committed) return undefined;
    return next.toString();
  }

  /** Records that `offset` was committed; later `committable()` calls only report progress beyond it. */
  markCommitted(offset: string): void {
    const value = parseOffset(offset);
    if (this.#committed === undefined || value > this.#committed) this.#committed = value;
    const committed = this.#committed;
    if (this.#doneUncommitted.length > 0) this.#doneUncommitted = this.#doneUncommitted.filter((done) => done >= committed);
  }

  /**
   * Completed offsets not yet covered by a commit: those waiting for the next transaction and those
   * held back behind a lower offset still in flight. A crash now would run them again.
   */
  get completedUncommitted(): number {
    return this.#doneUncommitted.length;
  }

  /** Number of tracked offsets not yet completed. */
  get inFlight(): number {
    return this.#incomplete.size;
  }

  /** The highest offset handed out, or `undefined` when none. */
  get highestTracked(): string | undefined {
    return this.#highest?.toString();
  }

  /** The last offset passed to {@link markCommitted}, or `undefined`. */
  get lastCommitted(): string | undefined {
    return this.#committed?.toString();
  }

  /** Diagnostics: how many offsets are held in memory (in flight plus completed above the low watermark). */
  get retained(): number {
    return this.#order.length - this.#head;
  }

  #nextToCommit(): bigint | undefined {
    const lowest = this.#order[this.#head];
    if (lowest !== undefined) return lowest;
    return this.#highest === undefined ? undefined : this.#highest + 1n;
  }

  #advanceHead(): void {
    while (this.#head < this.#order.length && !this.#incomplete.has(this.#order[this.#head]!)) {
      this.#head++;
    }
    if (this.#head === this.#order.length) {
      this.#order = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_THRESHOLD && this.#head * 2 >= this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** One entry of {@link OffsetTrackers.committableOffsets}. */
export interface CommittableOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume, as Kafka expects it in a commit. */
  readonly offset: string;
}

interface TrackerEntry {
  readonly topic: string;
  readonly partition: number;
  readonly tracker: PartitionOffsetTracker;
}

/**
 * The offset trackers of all partitions assigned to this consumer, keyed by `topic:partition`.
 * Rebuilt on every rebalance: {@link revoke} revoked partitions (or {@link reset} all), so a
 * partition that comes back starts from the broker's committed offset.
 */
export class OffsetTrackers {
  readonly #entries = new Map<string, TrackerEntry>();

  /** The tracker of one partition, created on first use. */
  forPartition(topic: string, partition: number): PartitionOffsetTracker {
    const key = `${topic}:${partition}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { topic, partition, tracker: new PartitionOffsetTracker() };
      this.#entries.set(key, entry);
    }
    return entry.tracker;
  }

  /**
   * Forgets a revoked partition. Returns whether it was tracked. With `only`, just when that is
   * still the partition's tracker: a hand-over that outlasted the rebalance (a client that does not
   * wait for it) must not revoke the tracker of the partition's next assignment.
   */
  revoke(topic: string, partition: number, only?: PartitionOffsetTracker): boolean {
    const key = `${topic}:${partition}`;
    const entry = this.#entries.get(key);
    if (only !== undefined && entry?.tracker !== only) return false;
    entry?.tracker.markRevoked();
    return this.#entries.delete(key);
  }

  /** Forgets every partition. */
  reset(): void {
    for (const entry of this.#entries.values()) entry.tracker.markRevoked();
    this.#entries.clear();
  }

  /** Number of partitions tracked. */
  get size(): number {
    return this.#entries.size;
  }

  /** Sum of in-flight records over all partitions. */
  get inFlight(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.tracker.inFlight;
    return total;
  }

  /** Sum of {@link PartitionOffsetTracker.completedUncommitted} over all partitions. */
  get completedUncommitted(): number {
    let total = 0;
    for (const entry of this.#entries.values()) total += entry.tracker.completedUncommitted;
    return total;
  }

  /** Offsets that moved since the last {@link markCommitted}, one per partition. */
  committableOffsets(): CommittableOffset[] {
    const result: CommittableOffset[] = [];
    for (const { topic, partition, tracker } of this.#entries.values()) {
      const offset = tracker.committable();
      if (offset !== undefined) result.push({ topic, partition, offset });
    }
    return result;
  }

  /** Records a successful commit of `offsets` (partitions revoked meanwhile are skipped). */
  markCommitted(offsets: readonly CommittableOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      this.#entries.get(`${topic}:${partition}`)?.tracker.markCommitted(offset);
    }
  }
}
