/**
 * Splits what one producer call sends into produce requests the broker accepts. Kafka checks
 * each partition's record batch against the topic's `max.message.bytes` (1 MiB by default) and
 * fails the partitions over it with MESSAGE_TOO_LARGE while the others are written; kafkajs puts
 * ALL of a partition's records of one call into one batch. So the adapter sends a call as a series
 * of requests in which every topic's share stays under a byte cap: since a partition belongs to one
 * topic, its batch does too, whatever partitions the records are placed on later.
 */
import type { HeaderValue, OutgoingRecord, TopicRecords } from './kafka-client.port.js';

/** Byte caps of one produce request; the sizes are estimates of the encoded record batch. */
export interface ProduceCaps {
  /** Largest share of one topic in one request (so of any partition's batch). */
  readonly maxTopicBytes: number;
  /** Largest request: kafkajs encodes it in one buffer, the broker refuses above socket.request.max.bytes (100 MiB). */
  readonly maxRequestBytes: number;
}

/**
 * 900 KiB per topic leaves room under the 1 MiB default max.message.bytes for the estimate's
 * slack; 8 MiB per request keeps one request well inside the request timeout on a slow link.
 */
export const DEFAULT_PRODUCE_CAPS: ProduceCaps = Object.freeze({ maxTopicBytes: 900 * 1024, maxRequestBytes: 8 * 1024 * 1024 });

/** Record-batch framing of one record (length, attributes, timestamp and offset deltas, key and value lengths, header count) at its largest. */
const RECORD_OVERHEAD_BYTES = 40;
/** Header name and value lengths (varints) at their largest. */
const HEADER_OVERHEAD_BYTES = 10;
/** A record batch's own header (magic, CRC, producer id and epoch, base sequence, ...). */
export const BATCH_OVERHEAD_BYTES = 61;

const byteLength = (value: HeaderValue | null | undefined): number => (value == null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length);

/**
 * Estimated bytes of a record inside a v2 record batch: what `recordSizeBytes` counts (key, value,
 * header names and values) plus the framing of the record and of each header, an upper bound.
 * Written as one loop without allocations: a replay runs it on every copy.
 */
export function encodedRecordBytes(record: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(record.key) + byteLength(record.value);
  const headers = record.headers;
  if (headers) for (const name in headers) bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + byteLength(headers[name]);
  return bytes;
}

/**
 * The requests to send, in order: records keep their order within each topic, each request holds
 * at most `maxTopicBytes` of any topic and `maxRequestBytes` in all (a record bigger than a cap
 * goes alone; the broker judges it against the topic's limit). A call that fits is one request.
 */
export function splitProduceBatch(batch: readonly TopicRecords[], caps: ProduceCaps = DEFAULT_PRODUCE_CAPS): TopicRecords[][] {
  if (fitsOneRequest(batch, caps)) return [[...batch]];
  const requests: Map<string, OutgoingRecord[]>[] = [];
  const requestBytes: number[] = [];
  const topicBytes: Map<string, number>[] = [];
  for (const { topic, records } of batch) {
    // A topic's records fill requests from the first one its earlier records did not fill.
    let at = lastRequestWith(requests, topic);
    for (const record of records) {
      const bytes = encodedRecordBytes(record);
      for (; ; at++) {
        if (at === requests.length) {
          requests.push(new Map());
          requestBytes.push(0);
          topicBytes.push(new Map());
        }
        const share = topicBytes[at]!.get(topic) ?? 0;
        const fits = share + bytes + BATCH_OVERHEAD_BYTES <= caps.maxTopicBytes && requestBytes[at]! + bytes + BATCH_OVERHEAD_BYTES <= caps.maxRequestBytes;
        if (fits || requestBytes[at] === 0) break;
      }
      const list = requests[at]!.get(topic);
      if (list) list.push(record);
      else requests[at]!.set(topic, [record]);
      topicBytes[at]!.set(topic, (topicBytes[at]!.get(topic) ?? 0) + bytes);
      requestBytes[at]! += bytes;
    }
  }
  return requests.map((request) => [...request].map(([topic, records]) => ({ topic, records })));
}

/** True when the whole call is one request within the caps (the common case: nothing to copy). */
function fitsOneRequest(batch: readonly TopicRecords[], caps: ProduceCaps): boolean {
  const topics = new Map<string, number>();
  let total = 0;
  for (const { topic, records } of batch) {
    let share = (topics.get(topic) ?? 0) + BATCH_OVERHEAD_BYTES;
    for (const record of records) share += encodedRecordBytes(record);
    total += share - (topics.get(topic) ?? 0);
    if (share > caps.maxTopicBytes || total > caps.maxRequestBytes) return false;
    topics.set(topic, share);
  }
  return true;
}

/** Index of the last request holding records of `topic` (0 when none does). */
function lastRequestWith(requests: readonly Map<string, OutgoingRecord[]>[], topic: string): number {
  for (let i = requests.length - 1; i >= 0; i--) if (requests[i]!.has(topic)) return i;
  return 0;
}
