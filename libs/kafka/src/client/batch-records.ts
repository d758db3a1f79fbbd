import type { IncomingRecord, RecordBatch } from './kafka-client.port.js';

/**
 * A batch's records as IncomingRecords, whichever way they came: `records` as the adapter parsed
 * them, or read from `raw` (`ConsumerRunOptions.rawRecords`), where key, value and header values
 * are views on the fetched bytes and no library object is made per record on the way.
 */
export function batchRecords(batch: RecordBatch): readonly IncomingRecord[] {
  if (!batch.raw) return batch.records;
  const records: IncomingRecord[] = [];
  for (const cursor = batch.raw.cursor(); cursor.next(); ) records.push(cursor.toIncoming());
  return records;
}
