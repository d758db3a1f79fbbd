/**
 * Kafka's murmur2 (Java's Utils.murmur2, seed 0x9747b28c) in 32-bit integers (Math.imul), over a
 * range of a buffer: a key read in place (a fetched record's) needs no Buffer of its own.
 * @platformatic/kafka's murmur2 works in BigInt (~1 µs a key).
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Java's Utils.murmur2 of `data[start, start + length)`, a signed 32-bit int. */
export function murmur2Range(data: Uint8Array, start: number, length: number): number {
  let h = SEED ^ length;
  const whole = start + (length & ~3);
  for (let i = start; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  switch (length & 3) {
    case 3:
      h ^= data[whole + 2]! << 16;
    // falls through
    case 2:
      h ^= data[whole + 1]! << 8;
    // falls through
    case 1:
      h ^= data[whole]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition hash of a key at `data[start, start + length)` as Kafka's Java client computes it:
 * toPositive(murmur2(key)), before `% partitions` (what @platformatic/kafka's
 * `compatibilityPartitioner` returns).
 */
export function keyPartitionHashRange(data: Uint8Array, start: number, length: number): number {
  return murmur2Range(data, start, length) & 0x7fffffff;
}
