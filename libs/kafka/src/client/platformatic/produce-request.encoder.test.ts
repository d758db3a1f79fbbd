import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NumericMap, produceV11 } from '@platformatic/kafka';
import { encodeProduceRequest, type EncodableMessage, type ProduceEncodeOptions } from './produce-request.encoder.js';

/** The library's own encoding of the same request (it mutates messages the same way, so each side gets a copy). */
function libraryBytes(messages: EncodableMessage[], options: ProduceEncodeOptions, acks = -1): Buffer {
  return produceV11.createRequest(acks, 30_000, messages.map((m) => ({ ...m })) as never, options as never).buffer;
}

/** Where two encodings first differ (-1: they are the same); cheaper than a deep equal of large Buffers. */
function firstDifference(a: Buffer | undefined, b: Buffer): number {
  if (!a) return 0;
  if (a.equals(b)) return -1;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function ourBytes(messages: EncodableMessage[], options: ProduceEncodeOptions, acks = -1): Buffer | undefined {
  return encodeProduceRequest(acks, 30_000, messages.map((m) => ({ ...m })), options)?.buffer;
}

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null });
const message = fc.record({
  topic: fc.constantFrom('orders', 'events.user', '123'),
  partition: fc.integer({ min: 0, max: 5 }),
  key: bytes,
  value: bytes,
  headers: fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ maxLength: 200 })), { maxLength: 4 }).map((pairs) => new Map(pairs.map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))),
  // Within 2^31 ms of each other: the library writes a larger timestamp delta wrongly (its varlong
  // keeps 32 bits), where this encoder writes Kafka's varlong.
  timestamp: fc.bigInt({ min: 1_700_000_000_000n, max: 1_700_000_000_000n + 2n ** 30n }),
});

describe('encodeProduceRequest', () => {
  it('writes the same bytes as the library for any messages, transactional or not, with sequences', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), fc.boolean(), (messages, transactional) => {
        const sequences = new NumericMap();
        sequences.set('orders:1', 17);
        const options: ProduceEncodeOptions = { producerId: 4711n, producerEpoch: 3, sequences, ...(transactional ? { transactionalId: 'replay.lane-0' } : {}) };
        expect(firstDifference(ourBytes(messages, options), libraryBytes(messages, options))).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  it('writes large records (multi-byte varints) and timestamps before the first as the library does', () => {
    const messages: EncodableMessage[] = [
      { topic: 't', partition: 0, key: Buffer.alloc(20_000, 1), value: Buffer.alloc(300_000, 2), timestamp: 1_700_000_000_500n },
      { topic: 't', partition: 0, key: null, value: Buffer.from('x'), timestamp: 1_700_000_000_000n },
    ];
    expect(firstDifference(ourBytes(messages, {}, 1), libraryBytes(messages, {}, 1))).toBe(-1);
  });

  it('writes a timestamp delta past 32 bits as Kafka varlong', () => {
    const first = 1_600_000_000_000n;
    const encoded = ourBytes([{ topic: 't', partition: 0, value: null, timestamp: first }, { topic: 't', partition: 0, value: null, timestamp: first + 2n ** 40n }], {})!;
    // The second record: length, attributes, then the delta as zigzag varlong (2^41: 6 bytes, low groups 0x80).
    const at = encoded.length - 1 - 1 - 1 - 1 - 1 - 1 - 6 - 1;
    expect([...encoded.subarray(at, at + 6)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
  });

  it('leaves compressed requests and non-Buffer payloads to the library', () => {
    const messages: EncodableMessage[] = [{ topic: 't', partition: 0, value: Buffer.from('v'), timestamp: 1n }];
    expect(encodeProduceRequest(-1, 1_000, messages, { compression: 'lz4' })).toBeUndefined();
    expect(encodeProduceRequest(-1, 1_000, [{ topic: 't', value: 'text' as unknown as Buffer }], {})).toBeUndefined();
    const textHeader = new Map([[Buffer.from('h'), 'text' as unknown as Buffer]]);
    expect(encodeProduceRequest(-1, 1_000, [{ topic: 't', value: Buffer.from('v'), headers: textHeader }], {})).toBeUndefined();
  });

  it('marks acks=0 requests as expecting no response', () => {
    expect(encodeProduceRequest(0, 1_000, [{ topic: 't', value: Buffer.from('v') }], {})!.context.noResponse).toBe(true);
  });
});
