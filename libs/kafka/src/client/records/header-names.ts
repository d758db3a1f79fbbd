import { BytesMemo } from './bytes-memo.js';

/**
 * Header names as strings, remembered by their bytes: records of a batch repeat the same names,
 * and comparing a few bytes costs less than decoding each one again.
 */
const headerNames = new BytesMemo<string>({ maxPerLength: 64, maxLength: 64 });

/** The UTF-8 name in `bytes[start, start + length)`. */
export function headerNameAt(bytes: Buffer, start: number, length: number): string {
  const known = headerNames.get(bytes, start, length);
  if (known !== undefined) return known;
  const name = bytes.toString('utf8', start, start + length);
  headerNames.set(bytes, name, start, length);
  return name;
}

/** The UTF-8 name in `bytes`. */
export const headerName = (bytes: Buffer): string => headerNameAt(bytes, 0, bytes.length);
