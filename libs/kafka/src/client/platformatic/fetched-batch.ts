import type { fetchV17, RecordsBatch } from '@platformatic/kafka';
import type { IncomingRecord, RecordBatch } from '../kafka-client.port.js';

type FetchResponsePartition = fetchV17.FetchResponsePartition;

/** Record-batch attribute bits (Kafka's v2 record batch). */
const TIMESTAMP_LOG_APPEND = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
/** Offsets and timestamps up to this are exact as Numbers. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Header names as strings, remembered by their bytes: records of a batch repeat the same names,
 * and comparing a few bytes here costs less than decoding each one again.
 */
const headerNames = new Map<number, { readonly bytes: Buffer; readonly name: string }[]>();
const MAX_NAMES_PER_LENGTH = 64;
const MAX_REMEMBERED_LENGTH = 64;

function sameBytes(a: Buffer, b: Buffer): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headerName(bytes: Buffer): string {
  if (bytes.length > MAX_REMEMBERED_LENGTH) return bytes.toString('utf8');
  let known = headerNames.get(bytes.length);
  if (known) {
    for (const entry of known) if (sameBytes(entry.bytes, bytes)) return entry.name;
  } else headerNames.set(bytes.length, (known = []));
  const name = bytes.toString('utf8');
  // A copy: the fetched bytes belong to the response buffer.
  if (known.length < MAX_NAMES_PER_LENGTH) known.push({ bytes: Buffer.from(bytes), name });
  return name;
}

function headersOf(headers: readonly (readonly [Buffer | null, Buffer | null])[]): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of headers) {
    if (!name) continue;
    const key = headerName(name);
    // Repeated header names: the first one wins (as in the other adapters).
    if (!(key in out)) out[key] = value ?? EMPTY;
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

/**
 * The record batches of a read_committed fetch without aborted transactions, the way the Java
 * consumer filters them: per producer, a transactional data batch from the first offset of one of
 * its aborted transactions (the broker lists them in the answer) up to that producer's ABORT marker
 * is dropped. The answers come unfiltered (fetch-request.ts): @platformatic/kafka's own filter
 * (1.35 and 2.12.1) drops committed transactions between two aborts of one producer
 * (read-committed.int.test.ts).
 */
function withoutAborted(partition: FetchResponsePartition, skipped: SkippedBatch[] | undefined): RecordsBatch[] {
  const batches = partition.records ?? [];
  const abortedTransactions = partition.abortedTransactions ?? [];
  if (abortedTransactions.length === 0) return batches;
  const pending = new Map<bigint, bigint[]>();
  for (const aborted of [...abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1))) {
    pending.set(aborted.producerId, [...(pending.get(aborted.producerId) ?? []), aborted.firstOffset]);
  }
  const aborting = new Set<bigint>();
  const kept: RecordsBatch[] = [];
  for (const batch of batches) {
    const transactional = (batch.attributes & TRANSACTIONAL) !== 0;
    // Aborted transactions that started at or before this batch's end (an answer that starts
    // inside one shows its marker, or later batches of it, first).
    const starts = pending.get(batch.producerId);
    while (starts && starts.length > 0 && starts[0]! <= batch.firstOffset + BigInt(batch.lastOffsetDelta)) {
      starts.shift();
      aborting.add(batch.producerId);
    }
    if ((batch.attributes & CONTROL) !== 0) {
      // Control record key: version (int16), type (int16): 0 = ABORT, 1 = COMMIT.
      if (batch.records[0]?.key?.readInt16BE(2) === 0) aborting.delete(batch.producerId);
      kept.push(batch);
      continue;
    }
    if (!(transactional && aborting.has(batch.producerId))) kept.push(batch);
    else skipped?.push({ producerId: batch.producerId, producerEpoch: batch.producerEpoch, firstOffset: batch.firstOffset, lastOffset: batch.firstOffset + BigInt(batch.lastOffsetDelta) });
  }
  return kept;
}

/** A data batch of an aborted transaction that read_committed left out (for the debug log). */
export interface SkippedBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
}

/**
 * One partition of a fetch answer as the port's RecordBatch, or only the next fetch offset when it
 * holds no record to hand over (markers or aborted records only). Records before `fetchOffset`
 * (a compressed batch is returned whole) are left out; `lastOffset` counts markers. The data batches
 * of aborted transactions left out are added to `skipped` when given.
 */
export function toRecordBatch(
  topic: string,
  partition: FetchResponsePartition,
  fetchOffset: bigint,
  readCommitted: boolean,
  skipped?: SkippedBatch[],
): { batch?: RecordBatch; nextOffset: bigint } | undefined {
  const all = partition.records ?? [];
  if (all.length === 0) return undefined;
  const last = all[all.length - 1]!;
  const lastOffset = last.firstOffset + BigInt(last.lastOffsetDelta);
  if (lastOffset < fetchOffset) return undefined;
  const records: IncomingRecord[] = [];
  // Compared as a Number only where offsets are exact (see below).
  const fetchFrom = fetchOffset <= MAX_EXACT ? Number(fetchOffset) : -1;
  for (const batch of readCommitted ? withoutAborted(partition, skipped) : all) {
    if ((batch.attributes & CONTROL) !== 0) continue;
    const logAppend = (batch.attributes & TIMESTAMP_LOG_APPEND) !== 0;
    // Offsets and timestamps as Numbers where they are exact (every real log): no BigInt per record.
    const exact = fetchFrom >= 0 && batch.firstOffset + BigInt(batch.lastOffsetDelta) <= MAX_EXACT && batch.maxTimestamp <= MAX_EXACT && batch.firstTimestamp >= -MAX_EXACT;
    const firstOffset = Number(batch.firstOffset);
    const firstTimestamp = Number(batch.firstTimestamp);
    const appendTime = logAppend ? batch.maxTimestamp.toString() : undefined;
    for (const record of batch.records) {
      let offset: string;
      let timestamp: string;
      if (exact) {
        const at = firstOffset + record.offsetDelta;
        if (at < fetchFrom) continue;
        offset = String(at);
        timestamp = appendTime ?? String(firstTimestamp + Number(record.timestampDelta));
      } else {
        const at = batch.firstOffset + BigInt(record.offsetDelta);
        if (at < fetchOffset) continue;
        offset = at.toString();
        timestamp = appendTime ?? (batch.firstTimestamp + record.timestampDelta).toString();
      }
      records.push({
        topic,
        partition: partition.partitionIndex,
        offset,
        key: record.key ?? null,
        value: record.value ?? null,
        headers: record.headers.length === 0 ? {} : headersOf(record.headers),
        timestamp,
      });
    }
  }
  const nextOffset = lastOffset + 1n;
  if (records.length === 0) return { nextOffset };
  const highWatermark = (readCommitted ? partition.lastStableOffset : partition.highWatermark).toString();
  return { batch: { topic, partition: partition.partitionIndex, highWatermark, lastOffset: lastOffset.toString(), records }, nextOffset };
}
