import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, TopicRecords } from './kafka-client.port.js';
import { recordSizeBytes } from '../envelope/task-envelope.v1.js';
import { BATCH_OVERHEAD_BYTES, encodedRecordBytes, splitProduceBatch } from './produce-splitter.js';

const record = (n: number, bytes: number): OutgoingRecord => ({ key: `k${n % 7}`, value: 'x'.repeat(bytes), headers: { 'sy-task-id': `t-${n}`, 'sy-type': 'ping' } });
const records = (count: number, bytes: number) => Array.from({ length: count }, (_, n) => record(n, bytes));
const topicBytes = (request: readonly TopicRecords[], topic: string) =>
  request.filter((t) => t.topic === topic).reduce((sum, t) => sum + t.records.reduce((n, r) => n + encodedRecordBytes(r), BATCH_OVERHEAD_BYTES), 0);

describe('splitProduceBatch', () => {
  it('keeps a call that fits as one request', () => {
    const batch = [{ topic: 'a', records: records(10, 100) }, { topic: 'b', records: records(3, 10) }];
    expect(splitProduceBatch(batch)).toEqual([batch]);
  });

  it('splits 10,000 records of 1 KB so no topic share passes the cap, keeping every record once and in order', () => {
    const lane = records(10_000, 1_000);
    const status = records(10_000, 200);
    const requests = splitProduceBatch([{ topic: 'lane', records: lane }, { topic: 'status', records: status }], { maxTopicBytes: 900 * 1024, maxRequestBytes: 8 << 20 });
    expect(requests.length).toBeGreaterThan(10);
    for (const request of requests) {
      expect(topicBytes(request, 'lane')).toBeLessThanOrEqual(900 * 1024);
      expect(topicBytes(request, 'status')).toBeLessThanOrEqual(900 * 1024);
      expect(new Set(request.map((t) => t.topic)).size).toBe(request.length);
    }
    expect(requests.flatMap((r) => r.filter((t) => t.topic === 'lane').flatMap((t) => t.records))).toEqual(lane);
    expect(requests.flatMap((r) => r.filter((t) => t.topic === 'status').flatMap((t) => t.records))).toEqual(status);
  });

  it('packs several topics into one request up to the request cap', () => {
    const batch = ['a', 'b', 'c', 'd'].map((topic) => ({ topic, records: records(10, 1_000) }));
    const requests = splitProduceBatch(batch, { maxTopicBytes: 20_000, maxRequestBytes: 25_000 });
    expect(requests).toHaveLength(2);
    expect(requests[0]!.map((t) => t.topic)).toEqual(['a', 'b', 'c']);
    for (const request of requests) expect(['a', 'b', 'c', 'd'].reduce((n, topic) => n + topicBytes(request, topic), 0)).toBeLessThanOrEqual(25_000 + 4 * BATCH_OVERHEAD_BYTES);
    expect(requests.flat().flatMap((t) => t.records)).toHaveLength(40);
  });

  it('sends a record bigger than the cap alone and goes on after it', () => {
    const big = record(1, 50_000);
    const small = records(4, 1_000);
    const requests = splitProduceBatch([{ topic: 'a', records: [small[0]!, big, ...small.slice(1)] }], { maxTopicBytes: 10_000, maxRequestBytes: 100_000 });
    expect(requests.map((r) => r.flatMap((t) => t.records))).toEqual([[small[0]], [big], small.slice(1)]);
  });

  it('estimates what recordSizeBytes counts plus the framing of the record and of each header', () => {
    const r = record(3, 500);
    expect(encodedRecordBytes(r)).toBe(recordSizeBytes(r) + 40 + 2 * 10);
    expect(encodedRecordBytes({ key: Buffer.from('ü'), value: null })).toBe(40 + 2);
  });

  it('counts the record framing and headers, not only key and value', () => {
    expect(encodedRecordBytes({ key: 'k', value: 'v' })).toBeGreaterThan(2);
    expect(encodedRecordBytes(record(0, 10))).toBeGreaterThan(encodedRecordBytes({ key: 'k0', value: 'x'.repeat(10) }) + 'sy-task-idt-0sy-typeping'.length);
    // 5,000 tiny records: the framing alone is what pushed a 900 KiB-of-payload batch over 1 MiB.
    const tiny = records(8_000, 100);
    for (const request of splitProduceBatch([{ topic: 'a', records: tiny }])) expect(topicBytes(request, 'a')).toBeLessThanOrEqual(900 * 1024);
  });

  it('keeps the order of a topic that appears twice in a call', () => {
    const first = records(5, 400_000);
    const second = [record(9, 10)];
    const requests = splitProduceBatch([{ topic: 'a', records: first }, { topic: 'b', records: [record(8, 10)] }, { topic: 'a', records: second }]);
    expect(requests.flatMap((r) => r.filter((t) => t.topic === 'a').flatMap((t) => t.records))).toEqual([...first, ...second]);
  });
});
