/**
 * The read_committed filter of a fetch answer, the way the Java consumer applies it: per producer,
 * a transactional data batch from the first offset of one of its aborted transactions (the broker
 * lists them in the answer) up to that producer's ABORT marker is dropped. The answers come
 * unfiltered (platformatic/fetch-request.ts): @platformatic/kafka's own filter (1.35 and 2.12.1)
 * drops committed transactions between two aborts of one producer (read-committed.int.test.ts).
 */

/** Record-batch attribute bits (Kafka's v2 record batch). */
export const BATCH_ATTRIBUTES = Object.freeze({ compression: 0x07, logAppendTime: 0x08, transactional: 0x10, control: 0x20 });

/** What the filter reads of a batch (the library's parsed batches and our wire reader's both have it). */
export interface FilterableBatch {
  readonly attributes: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstOffset: bigint;
  readonly lastOffsetDelta: number;
}

/** One of the broker's aborted transactions in a fetch answer. */
export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

/** A data batch of an aborted transaction that read_committed left out (for the debug log). */
export interface SkippedBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
}

/** The batches without those of aborted transactions (control batches are kept); `isAbortMarker` tells an ABORT control batch. */
export function withoutAborted<T extends FilterableBatch>(
  batches: readonly T[],
  abortedTransactions: readonly AbortedTransaction[] | null | undefined,
  isAbortMarker: (batch: T) => boolean,
  skipped?: SkippedBatch[],
): readonly T[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return batches;
  const pending = new Map<bigint, bigint[]>();
  for (const aborted of [...abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))) {
    pending.set(aborted.producerId, [...(pending.get(aborted.producerId) ?? []), aborted.firstOffset]);
  }
  const aborting = new Set<bigint>();
  const kept: T[] = [];
  for (const batch of batches) {
    const transactional = (batch.attributes & BATCH_ATTRIBUTES.transactional) !== 0;
    // Aborted transactions that started at or before this batch's end (an answer that starts
    // inside one shows its marker, or later batches of it, first).
    const starts = pending.get(batch.producerId);
    while (starts && starts.length > 0 && starts[0]! <= batch.firstOffset + BigInt(batch.lastOffsetDelta)) {
      starts.shift();
      aborting.add(batch.producerId);
    }
    if ((batch.attributes & BATCH_ATTRIBUTES.control) !== 0) {
      if (isAbortMarker(batch)) aborting.delete(batch.producerId);
      kept.push(batch);
      continue;
    }
    if (!(transactional && aborting.has(batch.producerId))) kept.push(batch);
    else skipped?.push({ producerId: batch.producerId, producerEpoch: batch.producerEpoch, firstOffset: batch.firstOffset, lastOffset: batch.firstOffset + BigInt(batch.lastOffsetDelta) });
  }
  return kept;
}
