/**
 * Kafka's v2 record batches read in place: batch headers from the fetched bytes, then one record
 * at a time as positions in the (decompressed) records' bytes. No object per record: a bulk copy
 * (replay) re-encodes keys, values and headers straight from these bytes (EncodedRecords).
 */
import type { IncomingRecord, RawRecordCursor, RawRecords } from '../kafka-client.port.js';
import { BATCH_ATTRIBUTES, type FilterableBatch } from './aborted-transactions.js';
import { headerNameAt } from './header-names.js';
import { readVarInt, type VarIntCursor } from './varint.js';

/** baseOffset (int64) and batchLength (int32): the batch length counts what follows them. */
const BATCH_HEAD_BYTES = 12;
/** Bytes of the batch's fields up to its first record. */
const BATCH_HEADER_BYTES = 61;
const MAGIC_AT = 16;
const MAGIC = 2;
const EMPTY = Buffer.alloc(0);

/** One record batch of a fetch answer, its records still as bytes (compressed when its attributes say so). */
export interface WireBatch extends FilterableBatch {
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly count: number;
  readonly records: Buffer;
}

/**
 * The whole v2 batches in `bytes` (a partition's records in a fetch answer; a batch cut off at the
 * answer's size limit is left out, as every client does). Undefined when a batch is of an older
 * format (magic 0 or 1), which only the library's parser reads.
 */
export function readWireBatches(bytes: Buffer): WireBatch[] | undefined {
  const batches: WireBatch[] = [];
  for (let at = 0; at + BATCH_HEADER_BYTES <= bytes.length; ) {
    const end = at + BATCH_HEAD_BYTES + bytes.readInt32BE(at + 8);
    if (end > bytes.length) break;
    if (bytes[at + MAGIC_AT] !== MAGIC) return undefined;
    batches.push({
      firstOffset: bytes.readBigInt64BE(at),
      attributes: bytes.readInt16BE(at + 21),
      lastOffsetDelta: bytes.readInt32BE(at + 23),
      firstTimestamp: bytes.readBigInt64BE(at + 27),
      maxTimestamp: bytes.readBigInt64BE(at + 35),
      producerId: bytes.readBigInt64BE(at + 43),
      producerEpoch: bytes.readInt16BE(at + 51),
      count: bytes.readInt32BE(at + 57),
      records: bytes.subarray(at + BATCH_HEADER_BYTES, end),
    });
    at = end;
  }
  return batches;
}

/** A control batch's first record key: version (int16), type (int16): 0 = ABORT, 1 = COMMIT. */
export function isAbortMarkerBatch(batch: WireBatch): boolean {
  if (batch.count === 0 || (batch.attributes & BATCH_ATTRIBUTES.compression) !== 0) return false;
  const c: VarIntCursor = { at: 0 };
  readVarInt(batch.records, c); // length
  c.at++; // attributes
  readVarInt(batch.records, c); // timestamp delta
  readVarInt(batch.records, c); // offset delta
  const keyLength = readVarInt(batch.records, c);
  return keyLength >= 4 && batch.records.readInt16BE(c.at + 2) === 0;
}

/** A data batch ready to be read: records decompressed, offsets and timestamps as Numbers. */
export interface ReadableBatch {
  readonly records: Buffer;
  readonly count: number;
  readonly firstOffset: number;
  readonly firstTimestamp: number;
  /** LOG_APPEND_TIME batches: every record's timestamp is the batch's max timestamp. */
  readonly appendTime: number | undefined;
}

/** The data batches' records from `fromOffset` on, read in place. */
export class RawBatchRecords implements RawRecords {
  readonly byteLength: number;
  readonly count: number;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly batches: readonly ReadableBatch[],
    readonly fromOffset: number,
  ) {
    this.byteLength = batches.reduce((sum, batch) => sum + batch.records.length, 0);
    this.count = batches.reduce((sum, batch) => sum + batch.count, 0);
  }

  cursor(): RawRecordCursor {
    return new BatchCursor(this);
  }
}

class BatchCursor implements RawRecordCursor {
  readonly #source: RawBatchRecords;
  #batch = -1;
  /** Records left in the current batch. */
  #left = 0;
  readonly #at: VarIntCursor = { at: 0 };
  buffer: Buffer = EMPTY;
  offset = -1;
  timestamp = 0;
  keyLengthStart = 0;
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  headersStart = 0;
  headersEnd = 0;
  headerCount = 0;

  constructor(source: RawBatchRecords) {
    this.#source = source;
  }

  next(): boolean {
    const c = this.#at;
    for (;;) {
      while (this.#left === 0) {
        const batch = this.#source.batches[++this.#batch];
        if (!batch) return false;
        this.buffer = batch.records;
        this.#left = batch.count;
        c.at = 0;
      }
      const batch = this.#source.batches[this.#batch]!;
      const b = this.buffer;
      const length = readVarInt(b, c);
      const end = c.at + length;
      c.at++; // record attributes (unused)
      const timestampDelta = readVarInt(b, c);
      const offset = batch.firstOffset + readVarInt(b, c);
      this.#left--;
      if (offset < this.#source.fromOffset) {
        c.at = end;
        continue;
      }
      this.offset = offset;
      this.timestamp = batch.appendTime ?? batch.firstTimestamp + timestampDelta;
      this.keyLengthStart = c.at;
      this.keyLength = readVarInt(b, c);
      this.keyStart = c.at;
      c.at += Math.max(0, this.keyLength);
      this.valueLength = readVarInt(b, c);
      this.valueStart = c.at;
      c.at += Math.max(0, this.valueLength);
      this.headerCount = readVarInt(b, c);
      this.headersStart = c.at;
      this.headersEnd = end;
      c.at = end;
      return true;
    }
  }

  toIncoming(): IncomingRecord {
    const b = this.buffer;
    const headers: Record<string, Buffer> = {};
    const c: VarIntCursor = { at: this.headersStart };
    for (let i = 0; i < this.headerCount; i++) {
      const nameLength = readVarInt(b, c);
      const name = nameLength < 0 ? undefined : headerNameAt(b, c.at, nameLength);
      c.at += Math.max(0, nameLength);
      const valueLength = readVarInt(b, c);
      const value = valueLength < 0 ? EMPTY : b.subarray(c.at, c.at + valueLength);
      c.at += Math.max(0, valueLength);
      // Repeated header names: the first one wins (as in the other paths).
      if (name !== undefined && !(name in headers)) headers[name] = value;
    }
    return {
      topic: this.#source.topic,
      partition: this.#source.partition,
      offset: String(this.offset),
      key: this.keyLength < 0 ? null : b.subarray(this.keyStart, this.keyStart + this.keyLength),
      value: this.valueLength < 0 ? null : b.subarray(this.valueStart, this.valueStart + this.valueLength),
      headers,
      timestamp: String(this.timestamp),
    };
  }
}
