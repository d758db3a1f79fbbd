import { describe, expect, it } from 'vitest';
import { partitionForKey } from './tenant-partitioner.js';

describe('partitionForKey', () => {
  it('is deterministic, in range, and equal for string and UTF-8 bytes', () => {
    for (const key of ['tenant-a', 'tenant-b', 'ü-unicode', '']) {
      const p = partitionForKey(key, 12);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(12);
      expect(partitionForKey(key, 12)).toBe(p);
      expect(partitionForKey(Buffer.from(key, 'utf8'), 12)).toBe(p);
    }
  });

  it('spreads keys over all partitions', () => {
    const seen = new Set(Array.from({ length: 500 }, (_, i) => partitionForKey(`tenant-${i}`, 8)));
    expect(seen.size).toBe(8);
  });

  it('refuses a partition count below 1', () => {
    expect(() => partitionForKey('a', 0)).toThrow(/numPartitions must be a whole number >= 1/);
  });
});
