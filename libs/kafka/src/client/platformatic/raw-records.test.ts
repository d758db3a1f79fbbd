import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRecordsBatch, NumericMap, produceV11, Reader, readRecordsBatches } from '@platformatic/kafka';
import type { IncomingRecord, RawRecordCursor } from '../kafka-client.port.js';
import { EncodedRecords, ExtraHeaders } from '../records/encoded-records.js';
import { partitionSections } from '../records/encoded-sections.js';
import { RawRecordsUnreadable, toRawRecordBatch, toRecordBatch } from './fetched-batch.js';
import type { RawFetchPartition } from './fetch-request.js';
import { keyPartitionHash } from './murmur2-partition.js';
import { EncodedSequences, encodeProduceRequest, sectionMessageValue, type ProduceEncodeOptions } from './produce-request.encoder.js';

const TIMESTAMP = 1_700_000_000_000n;

interface Message {
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<Buffer, Buffer>;
}

const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null });
const message: fc.Arbitrary<Message> = fc.record({
  key: bytes,
  value: bytes,
  headers: fc
    .array(fc.tuple(fc.constantFrom('sy-type', 'sy-tenant', 'trace', 'sy-replay-origin'), fc.uint8Array({ maxLength: 40 })), { maxLength: 4 })
    .map((pairs) => new Map(pairs.map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))),
});

/** The library's v2 batch of `messages` at `firstOffset` (all at TIMESTAMP). */
function libraryBatch(messages: readonly Message[], firstOffset: bigint, compression: 'none' | 'gzip'): Buffer {
  const batch = createRecordsBatch(messages.map((m) => ({ ...m, topic: 't', partition: 0, timestamp: TIMESTAMP })) as never, { compression } as never).buffer;
  batch.writeBigInt64BE(firstOffset, 0);
  return batch;
}

const answer = (records: Buffer): RawFetchPartition => ({ partitionIndex: 3, errorCode: 0, highWatermark: 1_000n, lastStableOffset: 1_000n, abortedTransactions: null, records });

function rawRecords(records: Buffer, fetchOffset: bigint): IncomingRecord[] {
  const raw = toRawRecordBatch('t', answer(records), fetchOffset, false)?.batch?.raw;
  const out: IncomingRecord[] = [];
  if (raw) for (const cursor = raw.cursor(); cursor.next(); ) out.push(cursor.toIncoming());
  return out;
}

function parsedRecords(records: Buffer, fetchOffset: bigint): IncomingRecord[] {
  const parsed = { ...answer(records), records: readRecordsBatches(Reader.from(records)) };
  return [...(toRecordBatch('t', parsed as never, fetchOffset, false)?.batch?.records ?? [])];
}

/** The cursors' records of `records` copied into one EncodedRecords with `extra` headers (suffix: the offset). */
function copies(records: Buffer, extra: ExtraHeaders): EncodedRecords {
  const encoded = new EncodedRecords(16, 1);
  const raw = toRawRecordBatch('t', answer(records), 0n, false)!.batch!.raw!;
  for (let cursor: RawRecordCursor = raw.cursor(); cursor.next(); ) encoded.appendCopy(cursor, extra, cursor.offset);
  return encoded;
}

const plain = (headers: Readonly<Record<string, Buffer | string>> | undefined) => Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('hex')]));

describe('raw records', () => {
  it("are the records the library's parser reads, compressed or not, from any fetch offset", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 20 }), fc.array(message, { minLength: 1, maxLength: 20 }), fc.constantFrom('none', 'gzip'), fc.nat(45), (first, second, compression, skip) => {
        const records = Buffer.concat([libraryBatch(first, 100n, compression as 'none'), libraryBatch(second, 100n + BigInt(first.length), 'none')]);
        const fetchOffset = 100n + BigInt(Math.min(skip, first.length + second.length - 1));
        const raw = rawRecords(records, fetchOffset);
        expect(raw).toEqual(parsedRecords(records, fetchOffset));
        expect(raw.map((r) => r.offset)).toEqual(Array.from({ length: first.length + second.length - Number(fetchOffset - 100n) }, (_, i) => String(Number(fetchOffset) + i)));
      }),
      { numRuns: 300 },
    );
  });

  it('leave out a batch cut off at the end of the answer', () => {
    const whole = libraryBatch([{ key: Buffer.from('a'), value: Buffer.from('1'), headers: new Map() }], 7n, 'none');
    const cut = libraryBatch([{ key: Buffer.from('b'), value: Buffer.from('2'), headers: new Map() }], 8n, 'none');
    expect(rawRecords(Buffer.concat([whole, cut.subarray(0, cut.length - 3)]), 7n).map((r) => r.value?.toString())).toEqual(['1']);
  });

  it('refuse an old record format and offsets past 2^53 with RawRecordsUnreadable (the fetch loop then reads parsed)', () => {
    const one = [{ key: Buffer.from('a'), value: Buffer.from('1'), headers: new Map() }];
    const old = libraryBatch(one, 7n, 'none');
    old[16] = 1; // magic byte: message format v1
    expect(() => toRawRecordBatch('t', answer(old), 7n, false)).toThrow(RawRecordsUnreadable);
    const far = BigInt(Number.MAX_SAFE_INTEGER) + 10n;
    expect(() => toRawRecordBatch('t', answer(libraryBatch(one, far, 'none')), far, false)).toThrow(RawRecordsUnreadable);
  });
});

describe('EncodedRecords', () => {
  it('copies key, value and own headers, adds the extra headers, and an extra header replaces an own one of its name', () => {
    const extra = new ExtraHeaders([
      { name: Buffer.from('sy-replay-origin'), value: Buffer.from('src/3/'), suffixed: true },
      { name: Buffer.from('sy-replay-id'), value: Buffer.from('r-1') },
    ]);
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), (messages) => {
        const decoded = copies(libraryBatch(messages, 990n, 'none'), extra).decode();
        expect(decoded.map((r) => [r.key, r.value])).toEqual(messages.map((m) => [m.key, m.value]));
        decoded.forEach((copy, i) => {
          const own: Record<string, string> = {};
          for (const [name, value] of messages[i]!.headers) if (!(name.toString() in own) && name.toString() !== 'sy-replay-origin') own[name.toString()] = value.toString('hex');
          expect(plain(copy.headers)).toEqual({ ...own, 'sy-replay-origin': Buffer.from(`src/3/${990 + i}`).toString('hex'), 'sy-replay-id': Buffer.from('r-1').toString('hex') });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('crosses to another thread as plain data and reads back the same', () => {
    const messages = Array.from({ length: 500 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(100, i), headers: new Map([[Buffer.from('h'), Buffer.from(`v${i}`)]]) }));
    const encoded = copies(libraryBatch(messages, 0n, 'none'), new ExtraHeaders([]));
    const expected = encoded.decode();
    const data = structuredClone(encoded.toTransfer());
    expect(EncodedRecords.fromTransfer(data).decode()).toEqual(expected);
  });
});

describe('partitionSections', () => {
  it("places a keyed copy on its key's partition and null keys round robin, keeps each partition's order, and keeps the caps", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 300, max: 5_000 }), (messages, partitions, maxSection) => {
        const encoded = copies(libraryBatch(messages, 0n, 'none'), new ExtraHeaders([]));
        const requests = partitionSections([encoded], partitions, maxSection, 2 * maxSection, 0);
        const placed = new Map<number, number[]>();
        let nullKeys = 0;
        messages.forEach((m, i) => {
          const partition = m.key ? keyPartitionHash(m.key) % partitions : nullKeys++ % partitions;
          placed.set(partition, [...(placed.get(partition) ?? []), i]);
        });
        const seen = new Map<number, number>();
        for (const request of requests) {
          expect(new Set(request.map((s) => s.partition)).size).toBe(request.length);
          const total = request.reduce((sum, s) => sum + s.bytes, 0);
          expect(total <= 2 * maxSection || (request.length === 1 && request[0]!.count === 1)).toBe(true);
          for (const section of request) {
            expect(section.bytes <= maxSection || section.count === 1).toBe(true);
            seen.set(section.partition, (seen.get(section.partition) ?? 0) + section.count);
          }
        }
        expect(Object.fromEntries(seen)).toEqual(Object.fromEntries([...placed].map(([p, list]) => [p, list.length])));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a Produce request of a section', () => {
  const options = (sequence: number): ProduceEncodeOptions => {
    const sequences = new NumericMap();
    sequences.set('orders:0', sequence);
    return { producerId: 42n, producerEpoch: 3, transactionalId: 'tx-1', sequences };
  };

  it("is byte for byte the library's request for the same records in one batch, its sequence moved by the records the library did not count", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), fc.nat(1_000), fc.nat(100), (messages, sequence, uncounted) => {
        const encoded = copies(libraryBatch(messages, 0n, 'none'), new ExtraHeaders([]));
        const [[section]] = partitionSections([encoded], 1, 1 << 20, 1 << 20) as [[NonNullable<ReturnType<typeof partitionSections>[0][0]>]];
        const sequences = new EncodedSequences();
        if (uncounted > 0) sequences.add(options(0), 'orders:0', uncounted);
        const left: [string, number][] = [];
        const ours = encodeProduceRequest(-1, 30_000, [{ topic: 'orders', partition: 0, value: sectionMessageValue(section), timestamp: TIMESTAMP }], options(sequence), { sequences, uncounted: left })!.buffer;
        const library = produceV11.createRequest(-1, 30_000, messages.map((m) => ({ ...m, topic: 'orders', partition: 0, timestamp: TIMESTAMP })) as never, options(sequence + uncounted) as never).buffer;
        expect(ours.equals(library)).toBe(true);
        expect(left).toEqual([['orders:0', messages.length - 1]]);
      }),
      { numRuns: 200 },
    );
  });

  it('counts uncounted records per producer id and epoch: a new epoch starts again from the library count', () => {
    const sequences = new EncodedSequences();
    sequences.add({ producerId: 42n, producerEpoch: 3 }, 'orders:0', 9);
    expect(sequences.uncounted({ producerId: 42n, producerEpoch: 3 }, 'orders:0')).toBe(9);
    expect(sequences.uncounted({ producerId: 42n, producerEpoch: 4 }, 'orders:0')).toBe(0);
    expect(sequences.uncounted({ producerId: 42n, producerEpoch: 3 }, 'orders:0')).toBe(0);
  });
});
