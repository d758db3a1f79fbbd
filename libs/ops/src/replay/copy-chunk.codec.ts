/**
 * Copies of a chunk packed into one ArrayBuffer, so they can be handed to a writer thread by
 * transfer instead of a structured clone of every record. Only what a copy carries: key, value
 * and headers (copies never set a partition or timestamp; the target's partitioner places them).
 * Layout per record, little endian: key and value as int32 length (-1 = null) + bytes, uint16
 * header count, per header uint16 name length + UTF-8 name, int32 value length + bytes.
 */
import type { HeaderValue, OutgoingRecord } from '@switchyard/kafka';

const byteLength = (v: string | Buffer) => (typeof v === 'string' ? Buffer.byteLength(v) : v.length);

function packedSize(records: readonly OutgoingRecord[]): number {
  let size = 0;
  for (const record of records) {
    size += 10 + (record.key == null ? 0 : byteLength(record.key)) + (record.value == null ? 0 : byteLength(record.value));
    const headers = record.headers ?? {};
    for (const name in headers) size += 6 + Buffer.byteLength(name) + byteLength(headers[name]!);
  }
  return size;
}

/** Packs the copies (a fresh ArrayBuffer, safe to transfer). */
export function packCopies(records: readonly OutgoingRecord[]): ArrayBuffer {
  const buffer = Buffer.from(new ArrayBuffer(packedSize(records)));
  let at = 0;
  const bytes = (value: string | Buffer | null | undefined) => {
    if (value == null) return void (at = buffer.writeInt32LE(-1, at));
    let length: number;
    if (typeof value === 'string') length = buffer.write(value, at + 4);
    else {
      // TypedArray#set: Buffer#copy's argument checks cost more than copying a small value.
      buffer.set(value, at + 4);
      length = value.length;
    }
    buffer.writeInt32LE(length, at);
    at += 4 + length;
  };
  for (const record of records) {
    bytes(record.key);
    bytes(record.value);
    const headers = record.headers ?? {};
    const names = Object.keys(headers);
    at = buffer.writeUInt16LE(names.length, at);
    for (const name of names) {
      const length = buffer.write(name, at + 2);
      buffer.writeUInt16LE(length, at);
      at += 2 + length;
      bytes(headers[name]);
    }
  }
  return buffer.buffer as ArrayBuffer;
}

/** The copies of a packed buffer; keys, values and header values are views on it. */
export function unpackCopies(packed: ArrayBuffer): OutgoingRecord[] {
  const buffer = Buffer.from(packed);
  const records: OutgoingRecord[] = [];
  let at = 0;
  const bytes = (): Buffer | null => {
    const length = buffer.readInt32LE(at);
    at += 4;
    if (length < 0) return null;
    at += length;
    return buffer.subarray(at - length, at);
  };
  while (at < buffer.length) {
    const key = bytes();
    const value = bytes();
    const count = buffer.readUInt16LE(at);
    at += 2;
    const headers: Record<string, HeaderValue> = {};
    for (let i = 0; i < count; i++) {
      const length = buffer.readUInt16LE(at);
      const name = buffer.toString('utf8', at + 2, at + 2 + length);
      at += 2 + length;
      headers[name] = bytes() ?? Buffer.alloc(0);
    }
    records.push({ key, value, headers });
  }
  return records;
}
