/**
 * EncodedRecords placed on partitions as the records of v2 batches, framed straight into a
 * request: per record its length, attributes (0), timestamp delta (0: a batch's records share its
 * time) and offset delta (its place in the batch), then its tail. A producer writes the batch
 * header (offsets, producer id, epoch, sequence, CRC) around a section.
 */
import type { EncodedRecordList } from '../kafka-client.port.js';
import { copyBytes, varIntSize, writeVarInt } from './varint.js';

/** The records of one batch to one partition, framed when written into the request. */
export interface RecordSection {
  readonly partition: number;
  readonly count: number;
  /** Exact bytes of the framed records. */
  readonly bytes: number;
  /** Frames the records into `target` at `at`; returns the position after them. */
  write(target: Buffer, at: number): number;
}

/** Bytes a record's framing adds to its tail: length, attributes, timestamp delta (0), offset delta. */
const framedSize = (tail: number, delta: number): number => {
  const body = 2 + varIntSize(delta) + tail;
  return varIntSize(body) + body;
};

/**
 * The records of `lists` by partition (a keyed record's `hash % partitions`, a null key's round
 * robin from `firstNullKeyPartition`), as sections; each inner array is one request's sections (one
 * per partition at most): a section stays under `maxSectionBytes` (a batch under the broker's
 * max.message.bytes) and a request's sections under `maxRequestBytes`, unless a single record is bigger.
 */
export function partitionSections(lists: readonly EncodedRecordList[], partitions: number, maxSectionBytes: number, maxRequestBytes: number, firstNullKeyPartition = 0): RecordSection[][] {
  // Per partition, the records in order as (list, index) pairs.
  const byPartition: number[][] = Array.from({ length: partitions }, () => []);
  let nullKeys = firstNullKeyPartition;
  lists.forEach((list, l) => {
    for (let i = 0; i < list.count; i++) {
      const hash = list.hashOf(i);
      const partition = hash >= 0 ? hash % partitions : nullKeys++ % partitions;
      byPartition[partition]!.push(l, i);
    }
  });
  const requests: RecordSection[][] = [];
  const next = byPartition.map(() => 0);
  for (;;) {
    const request: RecordSection[] = [];
    let left = maxRequestBytes;
    for (let partition = 0; partition < partitions; partition++) {
      const pairs = byPartition[partition]!;
      if (next[partition]! >= pairs.length) continue;
      const section = planSection(lists, partition, pairs, next[partition]!, Math.min(left, maxSectionBytes), request.length === 0);
      if (!section) continue;
      next[partition] = section.next;
      left -= section.bytes;
      request.push(section);
    }
    if (request.length === 0) return requests;
    requests.push(request);
  }
}

/** The records of `pairs` from pair `from` on that fit `maxBytes` (at least one when `first`). */
function planSection(lists: readonly EncodedRecordList[], partition: number, pairs: readonly number[], from: number, maxBytes: number, first: boolean): (RecordSection & { next: number }) | undefined {
  let bytes = 0;
  let end = from;
  for (let delta = 0; end < pairs.length; end += 2, delta++) {
    const list = lists[pairs[end]!]!;
    const i = pairs[end + 1]!;
    const size = framedSize(list.endOf(i) - list.startOf(i), delta);
    if (bytes + size > maxBytes && !(first && end === from)) break;
    bytes += size;
  }
  if (end === from) return undefined;
  const write = (target: Buffer, at: number): number => {
    let w = at;
    for (let p = from, delta = 0; p < end; p += 2, delta++) {
      const list = lists[pairs[p]!]!;
      const i = pairs[p + 1]!;
      const start = list.startOf(i);
      const tail = list.endOf(i) - start;
      w = writeVarInt(target, w, 2 + varIntSize(delta) + tail);
      target[w++] = 0; // attributes
      target[w++] = 0; // timestamp delta
      w = writeVarInt(target, w, delta);
      w = copyBytes(list.buffer, start, start + tail, target, w);
    }
    if (w !== at + bytes) throw new Error(`encoded sections: framed ${w - at} bytes of ${bytes}`);
    return w;
  };
  return { partition, count: (end - from) / 2, bytes, write, next: end };
}
