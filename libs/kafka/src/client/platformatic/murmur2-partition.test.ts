import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compatibilityPartitioner, murmur2 as libraryMurmur2 } from '@platformatic/kafka';
import { keyPartitionHashRange } from '../records/murmur2.js';
import { keyPartitionHash, murmur2 } from './murmur2-partition.js';

describe('murmur2', () => {
  it("is the library's murmur2 for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(murmur2(bytes)).toBe(libraryMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 5_000 },
    );
  });

  it("gives the library's compatibilityPartitioner value for any key", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(keyPartitionHash(key)).toBe(compatibilityPartitioner(undefined as never, key));
      }),
      { numRuns: 5_000 },
    );
  });

  it('gives keyPartitionHash of the key for a key read in place (keyPartitionHashRange), the whole buffer or a range of it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 32 }), (before, key, after) => {
        const buffer = Buffer.concat([before, key, after]);
        expect(keyPartitionHashRange(buffer, 0, buffer.length)).toBe(keyPartitionHash(buffer));
        expect(keyPartitionHashRange(buffer, before.length, key.length)).toBe(keyPartitionHash(Buffer.from(key)));
      }),
      { numRuns: 5_000 },
    );
  });

  it("is Kafka's value for known keys (Java Utils.murmur2)", () => {
    // From Kafka's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });
});
