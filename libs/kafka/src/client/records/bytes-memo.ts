/**
 * Values remembered by the bytes they were read from. Records repeat a few header names and, for
 * some headers, a few values (a task's type and queue, an event's type and source); comparing a
 * few bytes costs less than decoding each again (`Buffer#toString` is a call into C++ and a new
 * string per record). Entries are kept per byte length, up to `maxPerLength` each and only for
 * byte strings up to `maxLength` long; anything else is simply not remembered.
 */
export class BytesMemo<T> {
  readonly #byLength = new Map<number, { readonly bytes: Buffer; readonly value: T }[]>();
  readonly #maxPerLength: number;
  readonly #maxLength: number;

  constructor(options: { readonly maxPerLength: number; readonly maxLength: number }) {
    this.#maxPerLength = options.maxPerLength;
    this.#maxLength = options.maxLength;
  }

  /** The value remembered for `bytes[start, start + length)`, or undefined. */
  get(bytes: Uint8Array, start = 0, length = bytes.length - start): T | undefined {
    const entries = this.#byLength.get(length);
    if (entries === undefined) return undefined;
    for (const entry of entries) if (sameBytes(entry.bytes, bytes, start)) return entry.value;
    return undefined;
  }

  /** Remembers `value` for a copy of `bytes[start, start + length)` (the bytes may belong to a fetch answer), while there is room. */
  set(bytes: Uint8Array, value: T, start = 0, length = bytes.length - start): void {
    if (length > this.#maxLength) return;
    let entries = this.#byLength.get(length);
    if (entries === undefined) this.#byLength.set(length, (entries = []));
    if (entries.length < this.#maxPerLength) entries.push({ bytes: Buffer.from(bytes.subarray(start, start + length)), value });
  }
}

function sameBytes(a: Buffer, b: Uint8Array, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}
