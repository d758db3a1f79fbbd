import { compressionsAlgorithmsByBitmask, type fetchV17, type RecordsBatch } from '@platformatic/kafka';
import type { IncomingRecord, RecordBatch } from '../kafka-client.port.js';
import { BATCH_ATTRIBUTES, withoutAborted, type SkippedBatch } from '../records/aborted-transactions.js';
import { headerName } from '../records/header-names.js';
import { isAbortMarkerBatch, RawBatchRecords, readWireBatches, type ReadableBatch } from '../records/record-batch-reader.js';
import type { RawFetchPartition } from './fetch-request.js';

export type { SkippedBatch } from '../records/aborted-transactions.js';

type FetchResponsePartition = fetchV17.FetchResponsePartition;

const TIMESTAMP_LOG_APPEND = BATCH_ATTRIBUTES.logAppendTime;
const CONTROL = BATCH_ATTRIBUTES.control;
/** Offsets and timestamps up to this are exact as Numbers. */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

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

/** A control record's key: version (int16), type (int16): 0 = ABORT, 1 = COMMIT. */
const isAbortMarker = (batch: RecordsBatch): boolean => batch.records[0]?.key?.readInt16BE(2) === 0;

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
  for (const batch of readCommitted ? withoutAborted(all, partition.abortedTransactions, isAbortMarker, skipped) : all) {
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

/**
 * One partition of a raw fetch answer (fetch-request.ts `fetchRaw`) as the port's RecordBatch with
 * `raw` records read in place, or only the next fetch offset, on the same terms as toRecordBatch.
 * Compressed batches are decompressed here (the library's codecs); batches of the old formats
 * (magic 0 and 1: no Kafka 4 broker writes them) and offsets past 2^53 are refused with an error.
 */
/** A fetched answer holds records that cannot be read in place (an old record format, offsets past 2^53): read them parsed. */
export class RawRecordsUnreadable extends Error {
  override readonly name = 'RawRecordsUnreadable';
}

export function toRawRecordBatch(
  topic: string,
  partition: RawFetchPartition,
  fetchOffset: bigint,
  readCommitted: boolean,
  skipped?: SkippedBatch[],
): { batch?: RecordBatch; nextOffset: bigint } | undefined {
  if (!partition.records || partition.records.length === 0) return undefined;
  const all = readWireBatches(partition.records);
  if (!all) throw new RawRecordsUnreadable(`${topic}/${partition.partitionIndex}: a record batch of an old format (magic 0 or 1) cannot be read raw`);
  if (all.length === 0) return undefined;
  const last = all[all.length - 1]!;
  const lastOffset = last.firstOffset + BigInt(last.lastOffsetDelta);
  if (lastOffset < fetchOffset || lastOffset > MAX_EXACT) {
    if (lastOffset > MAX_EXACT) throw new RawRecordsUnreadable(`${topic}/${partition.partitionIndex}: offset ${lastOffset} is past 2^53, which raw records do not read`);
    return undefined;
  }
  const readable: ReadableBatch[] = [];
  for (const batch of readCommitted ? withoutAborted(all, partition.abortedTransactions, isAbortMarkerBatch, skipped) : all) {
    if ((batch.attributes & CONTROL) !== 0 || batch.count === 0) continue;
    const codec = batch.attributes & BATCH_ATTRIBUTES.compression;
    readable.push({
      records: codec === 0 ? batch.records : decompress(codec, batch.records),
      count: batch.count,
      firstOffset: Number(batch.firstOffset),
      firstTimestamp: Number(batch.firstTimestamp),
      appendTime: (batch.attributes & TIMESTAMP_LOG_APPEND) !== 0 ? Number(batch.maxTimestamp) : undefined,
    });
  }
  const nextOffset = lastOffset + 1n;
  const raw = new RawBatchRecords(topic, partition.partitionIndex, readable, Number(fetchOffset));
  // Compaction can leave a batch without a record from fetchOffset on: no empty batch is handed out.
  if (!raw.cursor().next()) return { nextOffset };
  const highWatermark = (readCommitted ? partition.lastStableOffset : partition.highWatermark).toString();
  return { batch: { topic, partition: partition.partitionIndex, highWatermark, lastOffset: lastOffset.toString(), records: [], raw }, nextOffset };
}

function decompress(codec: number, records: Buffer): Buffer {
  const algorithm = compressionsAlgorithmsByBitmask[codec];
  if (!algorithm) throw new Error(`unknown compression codec ${codec} in a record batch`);
  return algorithm.decompressSync(records) as Buffer;
}
