/**
 * Records to produce, already in Kafka's record format: a bulk copy (replay) writes each one
 * straight from the fetched bytes (RawRecordCursor) into one growing buffer, with headers of its
 * own added after the record's, and a producer frames them into batches without an object per
 * record (TransactionPort.sendEncoded). Per record the buffer holds its "tail", the part of a v2
 * record after the timestamp and offset deltas: key (varint length, -1 = null, then bytes), value
 * (the same), header count (varint), headers (name length, name, value length, value).
 */
import type { EncodedRecordList, HeaderValue, OutgoingRecord, RawRecordCursor } from '../kafka-client.port.js';
import { keyPartitionHashRange } from './murmur2.js';
import { copyBytes, readVarInt, varIntSize, writeVarInt, type VarIntCursor } from './varint.js';

/** A header a copy gets after its own: `value`, then, with `suffixed`, the decimal digits of the copy's suffix (an origin's offset). */
export interface EncodedHeader {
  readonly name: Buffer;
  readonly value: Buffer;
  readonly suffixed?: boolean;
}

const INITIAL_BYTES = 256 * 1024;
const INITIAL_RECORDS = 1024;

function digits(n: number): number {
  let count = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

/**
 * Headers every copy gets after its own, encoded once: the constant ones, then the start of the
 * suffixed one (name, and its value's fixed part after a length that depends on the suffix's digits)
 * as one block of bytes per digit count; per copy only the suffix's digits are written.
 */
export class ExtraHeaders {
  readonly count: number;
  readonly names: readonly Buffer[];
  readonly #constant: readonly EncodedHeader[];
  readonly #suffixed: EncodedHeader | undefined;
  /** The block for suffixes of i digits (made at first use). */
  readonly #blocks: Buffer[] = [];

  constructor(headers: readonly EncodedHeader[]) {
    const suffixed = headers.filter((h) => h.suffixed);
    if (suffixed.length > 1) throw new Error('extra headers: at most one header takes the suffix');
    this.count = headers.length;
    this.names = headers.map((h) => h.name);
    this.#constant = headers.filter((h) => !h.suffixed);
    this.#suffixed = suffixed[0];
  }

  #block(digitCount: number): Buffer {
    let block = this.#blocks[digitCount];
    if (block) return block;
    const suffixed = this.#suffixed;
    let size = 0;
    for (const h of this.#constant) size += varIntSize(h.name.length) + h.name.length + varIntSize(h.value.length) + h.value.length;
    if (suffixed) size += varIntSize(suffixed.name.length) + suffixed.name.length + varIntSize(suffixed.value.length + digitCount) + suffixed.value.length;
    block = Buffer.allocUnsafe(size);
    let at = 0;
    for (const h of this.#constant) {
      at = writeVarInt(block, at, h.name.length);
      at += h.name.copy(block, at);
      at = writeVarInt(block, at, h.value.length);
      at += h.value.copy(block, at);
    }
    if (suffixed) {
      at = writeVarInt(block, at, suffixed.name.length);
      at += suffixed.name.copy(block, at);
      at = writeVarInt(block, at, suffixed.value.length + digitCount);
      suffixed.value.copy(block, at);
    }
    this.#blocks[digitCount] = block;
    return block;
  }

  /** Encoded bytes of the headers of a copy with `suffix`. */
  size(suffix: number): number {
    const digitCount = this.#suffixed ? digits(suffix) : 0;
    return this.#block(digitCount).length + digitCount;
  }

  /** Writes the headers of a copy with `suffix` at `at`; returns the position after them. */
  write(b: Buffer, at: number, suffix: number): number {
    const digitCount = this.#suffixed ? digits(suffix) : 0;
    const block = this.#block(digitCount);
    const w = copyBytes(block, 0, block.length, b, at);
    // The suffix's ASCII digits, last first.
    for (let i = digitCount - 1, rest = suffix; i >= 0; i--, rest = Math.floor(rest / 10)) b[w + i] = 0x30 + (rest % 10);
    return w + digitCount;
  }
}

/** EncodedRecords as plain data for another thread: every ArrayBuffer can be transferred. */
export interface EncodedRecordsData {
  readonly bytes: ArrayBuffer;
  readonly length: number;
  readonly count: number;
  readonly starts: ArrayBuffer;
  readonly hashes: ArrayBuffer;
}

export class EncodedRecords implements EncodedRecordList {
  #buffer: Buffer;
  #length = 0;
  /** Record i's tail is [#starts[i], #starts[i + 1]) (the last one ends at #length). */
  #starts: Int32Array;
  /** Record i's partition hash (toPositive(murmur2(key))), -1 without a key. */
  #hashes: Int32Array;
  #count = 0;

  constructor(bytes = INITIAL_BYTES, records = INITIAL_RECORDS) {
    this.#buffer = Buffer.allocUnsafe(Math.max(16, bytes));
    this.#starts = new Int32Array(Math.max(1, records));
    this.#hashes = new Int32Array(Math.max(1, records));
  }

  get count(): number {
    return this.#count;
  }

  /** Bytes of all tails. */
  get byteLength(): number {
    return this.#length;
  }

  get buffer(): Buffer {
    return this.#buffer;
  }

  startOf(i: number): number {
    return this.#starts[i]!;
  }

  endOf(i: number): number {
    return i + 1 < this.#count ? this.#starts[i + 1]! : this.#length;
  }

  /** Record i's partition hash (toPositive(murmur2(key)), as Kafka's Java client), -1 for a null key. */
  hashOf(i: number): number {
    return this.#hashes[i]!;
  }

  /**
   * Appends the cursor's record (key, value, its own headers) with the `extra` headers after them
   * (`suffix`: their suffixed values' number); an own header of the same name as an extra one is
   * left out (the extra one replaces it).
   */
  appendCopy(from: RawRecordCursor, extra: ExtraHeaders, suffix = 0): void {
    const { buffer: source, keyLengthStart, keyStart, keyLength, valueStart, valueLength, headersStart, headersEnd } = from;
    const keyValueEnd = valueStart + Math.max(0, valueLength);
    const replaced = extra.count > 0 && from.headerCount > 0 ? replacedHeaders(source, headersStart, from.headerCount, extra.names) : NONE_REPLACED;
    const count = from.headerCount - replaced.count + extra.count;
    const size = keyValueEnd - keyLengthStart + varIntSize(count) + (headersEnd - headersStart) - replaced.bytes + extra.size(suffix);
    const at = this.#reserve(size);
    const b = this.#buffer;
    // Key and value with their lengths are the same bytes as in the fetched record.
    let w = copyBytes(source, keyLengthStart, keyValueEnd, b, at);
    w = writeVarInt(b, w, count);
    w = replaced.count === 0 ? copyBytes(source, headersStart, headersEnd, b, w) : copyKeptHeaders(source, headersStart, from.headerCount, extra.names, b, w);
    w = extra.write(b, w, suffix);
    if (w !== at + size) throw new Error(`encoded records: wrote ${w - at} bytes of ${size}`);
    this.#hashes[this.#count] = keyLength < 0 ? -1 : keyPartitionHashRange(source, keyStart, keyLength);
    this.#starts[this.#count++] = at;
    this.#length = w;
  }

  /** Room for one more record of `size` bytes; returns where it starts. */
  #reserve(size: number): number {
    if (this.#count === this.#starts.length) {
      this.#starts = grow(this.#starts);
      this.#hashes = grow(this.#hashes);
    }
    if (this.#length + size > this.#buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + size));
      this.#buffer.copy(bigger, 0, 0, this.#length);
      this.#buffer = bigger;
    }
    return this.#length;
  }

  /** The records as plain data whose buffers can be transferred to another thread (this instance is not to be used after the transfer). */
  toTransfer(): EncodedRecordsData {
    const own = this.#buffer.byteOffset === 0 && this.#buffer.byteLength === this.#buffer.buffer.byteLength;
    const bytes = own ? (this.#buffer.buffer as ArrayBuffer) : (Uint8Array.prototype.slice.call(this.#buffer, 0, this.#length).buffer as ArrayBuffer);
    return { bytes, length: this.#length, count: this.#count, starts: this.#starts.buffer as ArrayBuffer, hashes: this.#hashes.buffer as ArrayBuffer };
  }

  /** The records of `toTransfer` data (received from another thread). */
  static fromTransfer(data: EncodedRecordsData): EncodedRecords {
    const records = new EncodedRecords(16, 1);
    records.#buffer = Buffer.from(data.bytes);
    records.#length = data.length;
    records.#count = data.count;
    records.#starts = new Int32Array(data.starts);
    records.#hashes = new Int32Array(data.hashes);
    return records;
  }

  /** The records as OutgoingRecords (keys, values and header values are copies): for a producer without a path for encoded records. */
  decode(): OutgoingRecord[] {
    const records: OutgoingRecord[] = [];
    const b = this.#buffer;
    const cursor: VarIntCursor = { at: 0 };
    const bytes = (): Buffer | null => {
      const length = readVarInt(b, cursor);
      if (length < 0) return null;
      cursor.at += length;
      return Buffer.from(b.subarray(cursor.at - length, cursor.at));
    };
    for (let i = 0; i < this.#count; i++) {
      cursor.at = this.#starts[i]!;
      const key = bytes();
      const value = bytes();
      const headers: Record<string, HeaderValue> = {};
      for (let h = readVarInt(b, cursor); h > 0; h--) {
        const name = bytes()?.toString('utf8') ?? '';
        const headerValue = bytes() ?? Buffer.alloc(0);
        if (!(name in headers)) headers[name] = headerValue;
      }
      records.push({ key, value, headers });
    }
    return records;
  }
}

const NONE_REPLACED = Object.freeze({ count: 0, bytes: 0 });

/** Walks `count` wire headers from `at`, calling `visit(start, end, nameStart, nameLength)` for each. */
function eachHeader(source: Buffer, at: number, count: number, visit: (start: number, end: number, nameStart: number, nameLength: number) => void): void {
  const c: VarIntCursor = { at };
  for (let i = 0; i < count; i++) {
    const start = c.at;
    const nameLength = readVarInt(source, c);
    const nameStart = c.at;
    c.at += Math.max(0, nameLength);
    const valueLength = readVarInt(source, c);
    c.at += Math.max(0, valueLength);
    visit(start, c.at, nameStart, nameLength);
  }
}

const isReplaced = (source: Buffer, nameStart: number, nameLength: number, names: readonly Buffer[]): boolean =>
  names.some((name) => name.length === nameLength && source.compare(name, 0, nameLength, nameStart, nameStart + nameLength) === 0);

/** How many of the record's own headers, and how many of their bytes, an extra header replaces. */
function replacedHeaders(source: Buffer, at: number, count: number, names: readonly Buffer[]): { count: number; bytes: number } {
  let replaced = 0;
  let bytes = 0;
  eachHeader(source, at, count, (start, end, nameStart, nameLength) => {
    if (isReplaced(source, nameStart, nameLength, names)) {
      replaced++;
      bytes += end - start;
    }
  });
  return replaced === 0 ? NONE_REPLACED : { count: replaced, bytes };
}

/** Copies the record's own headers that no extra one replaces; returns the position after them. */
function copyKeptHeaders(source: Buffer, at: number, count: number, names: readonly Buffer[], b: Buffer, w: number): number {
  eachHeader(source, at, count, (start, end, nameStart, nameLength) => {
    if (!isReplaced(source, nameStart, nameLength, names)) w = copyBytes(source, start, end, b, w);
  });
  return w;
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
