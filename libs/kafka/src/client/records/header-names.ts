/**
 * Header names as strings, remembered by their bytes: records of a batch repeat the same names,
 * and comparing a few bytes costs less than decoding each one again.
 */
const headerNames = new Map<number, { readonly bytes: Buffer; readonly name: string }[]>();
const MAX_NAMES_PER_LENGTH = 64;
const MAX_REMEMBERED_LENGTH = 64;

function sameBytes(a: Buffer, b: Uint8Array, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/** The UTF-8 name in `bytes[start, start + length)`. */
export function headerNameAt(bytes: Buffer, start: number, length: number): string {
  if (length > MAX_REMEMBERED_LENGTH) return bytes.toString('utf8', start, start + length);
  let known = headerNames.get(length);
  if (known) {
    for (const entry of known) if (sameBytes(entry.bytes, bytes, start)) return entry.name;
  } else headerNames.set(length, (known = []));
  const name = bytes.toString('utf8', start, start + length);
  if (known.length < MAX_NAMES_PER_LENGTH) known.push({ bytes: Buffer.from(bytes.subarray(start, start + length)), name });
  return name;
}

/** The UTF-8 name in `bytes`. */
export const headerName = (bytes: Buffer): string => headerNameAt(bytes, 0, bytes.length);
