/**
 * Kafka's zigzag varints (the v2 record format), read and written in place in a Buffer, in
 * Numbers: exact up to 2^53, which every offset delta, length and timestamp delta of a real log is.
 */

/** Where `readVarInt` left off and what it read (one object per reader, reused: no allocation per field). */
export interface VarIntCursor {
  at: number;
}

/** Reads a zigzag varint (or varlong) at `cursor.at` and moves past it. */
export function readVarInt(buffer: Buffer, cursor: VarIntCursor): number {
  let at = cursor.at;
  let byte = buffer[at++]!;
  let value = byte & 0x7f;
  // The first four bytes in 32-bit arithmetic, the rest (varlongs) by multiplication.
  let shift = 7;
  while (byte & 0x80) {
    if (at >= buffer.length) throw new RangeError('varint runs past the end of the buffer');
    byte = buffer[at++]!;
    value += shift < 28 ? (byte & 0x7f) << shift : (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (shift > 63) throw new RangeError('varint longer than 10 bytes');
  }
  cursor.at = at;
  // Zigzag: 0, 1, 2, 3 ... -> 0, -1, 1, -2 ...
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Zigzag of a signed int (as Kafka's varint/varlong): 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
export const zigzag = (value: number): number => (value >= 0 ? value * 2 : -value * 2 - 1);

/** Bytes of an unsigned varint. */
export function unsignedVarIntSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Bytes of a zigzag varint. */
export const varIntSize = (value: number): number => unsignedVarIntSize(zigzag(value));

/** Writes an unsigned varint at `at`; returns the position after it. */
export function writeUnsignedVarInt(buffer: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    buffer[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buffer[at++] = value;
  return at;
}

/** Writes a zigzag varint at `at`; returns the position after it. */
export const writeVarInt = (buffer: Buffer, at: number, value: number): number => writeUnsignedVarInt(buffer, at, zigzag(value));

/** Below this many bytes a copy goes byte by byte: Buffer#copy's and TypedArray#set's per-call cost is larger than copying a key or a header. */
const SMALL_COPY = 16;

/** Copies `source[start, end)` to `target` at `at`; returns the position after it. */
export function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): number {
  const length = end - start;
  if (length < SMALL_COPY) {
    for (let i = 0; i < length; i++) target[at + i] = source[start + i]!;
  } else target.set(source.subarray(start, end), at);
  return at + length;
}
