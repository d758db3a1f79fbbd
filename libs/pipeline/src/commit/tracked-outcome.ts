import type { OutgoingRecord } from '@switchyard/kafka';
import type { PartitionOffsetTracker } from '../offsets/offset-tracker.js';
import type { Outcome } from './transactional-committer.js';

/** A fetched record and the tracker of its partition, as the consume loops keep them per item. */
export interface TrackedRecord {
  readonly record: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly tracker: PartitionOffsetTracker;
}

/**
 * The outcome of one fetched record: its output records, completed in its partition's offset
 * tracker, stale once that tracker is revoked. One object per outcome and no closure (a function
 * made per record is a hot-path cost, more so under tsx, which names each one).
 */
export class TrackedOutcome implements Outcome {
  readonly records: readonly { readonly topic: string; readonly record: OutgoingRecord }[];
  readonly #item: TrackedRecord;

  constructor(records: readonly { readonly topic: string; readonly record: OutgoingRecord }[], item: TrackedRecord) {
    this.records = records;
    this.#item = item;
  }

  get source(): { readonly topic: string; readonly partition: number } {
    return this.#item.record;
  }

  complete(): void {
    this.#item.tracker.complete(this.#item.record.offset);
  }

  stale(): boolean {
    return this.#item.tracker.revoked;
  }
}
