import { describe, expect, it } from 'vitest';
import type { fetchV17, RecordsBatch } from '@platformatic/kafka';
import { toRecordBatch } from './fetched-batch.js';

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

function batch(firstOffset: number, count: number, attributes: number, producerId = 7n, controlType?: 0 | 1): RecordsBatch {
  const key = controlType === undefined ? null : Buffer.from([0, 0, 0, controlType]);
  return {
    firstOffset: BigInt(firstOffset),
    lastOffsetDelta: count - 1,
    attributes,
    producerId,
    firstTimestamp: 1000n,
    maxTimestamp: 1000n,
    records: Array.from({ length: count }, (_, i) => ({ offsetDelta: i, timestampDelta: BigInt(i), key, value: Buffer.from(`v${firstOffset + i}`), headers: [], attributes: 0, length: 0 })),
  } as unknown as RecordsBatch;
}

function partition(records: RecordsBatch[], aborted: { producerId: bigint; firstOffset: bigint }[] = []): fetchV17.FetchResponsePartition {
  return { partitionIndex: 0, errorCode: 0, highWatermark: 99n, lastStableOffset: 90n, logStartOffset: 0n, abortedTransactions: aborted, preferredReadReplica: -1, records };
}

const values = (p: fetchV17.FetchResponsePartition, from = 0n) => toRecordBatch('t', p, from, true)?.batch?.records.map((r) => r.value?.toString());

describe('toRecordBatch (read_committed filtering)', () => {
  it('drops every aborted transaction of a producer, not only its last one, and keeps its committed ones between', () => {
    const p = partition(
      [batch(0, 2, TRANSACTIONAL), batch(2, 1, TRANSACTIONAL | CONTROL, 7n, 0), batch(3, 1, TRANSACTIONAL), batch(4, 1, TRANSACTIONAL | CONTROL, 7n, 1), batch(5, 1, TRANSACTIONAL), batch(6, 1, TRANSACTIONAL | CONTROL, 7n, 0)],
      [{ producerId: 7n, firstOffset: 0n }, { producerId: 7n, firstOffset: 5n }],
    );
    expect(values(p)).toEqual(['v3']);
    expect(toRecordBatch('t', p, 0n, true)?.batch).toMatchObject({ lastOffset: '6', highWatermark: '90' });
  });

  it('drops aborted records whose marker is not in this answer (the transaction is known aborted)', () => {
    const p = partition([batch(0, 1, TRANSACTIONAL, 8n), batch(1, 2, TRANSACTIONAL)], [{ producerId: 7n, firstOffset: 1n }]);
    expect(values(p)).toEqual(['v0']);
  });

  it('drops a fetch that starts inside an aborted transaction, and moves past markers-only answers without a batch', () => {
    expect(values(partition([batch(3, 2, TRANSACTIONAL)], [{ producerId: 7n, firstOffset: 1n }]))).toBeUndefined();
    expect(toRecordBatch('t', partition([batch(3, 1, TRANSACTIONAL | CONTROL, 7n, 1)]), 3n, true)).toEqual({ nextOffset: 4n });
  });

  it('leaves out records before the fetch offset (a compressed batch comes whole); read_uncommitted keeps aborted ones', () => {
    const p = partition([batch(0, 4, TRANSACTIONAL)], [{ producerId: 7n, firstOffset: 0n }]);
    expect(toRecordBatch('t', p, 2n, false)?.batch?.records.map((r) => r.offset)).toEqual(['2', '3']);
    expect(toRecordBatch('t', p, 2n, false)?.batch?.highWatermark).toBe('99');
  });

  it('gives offsets and timestamps as exact decimal strings, past 2^53 too, and log-append time as the batch time', () => {
    const big = { ...batch(0, 3, 0), firstOffset: 2n ** 60n, firstTimestamp: 1_700_000_000_000n } as RecordsBatch;
    expect(toRecordBatch('t', partition([big]), 2n ** 60n + 1n, false)?.batch?.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [String(2n ** 60n + 1n), '1700000000001'],
      [String(2n ** 60n + 2n), '1700000000002'],
    ]);
    const appended = { ...batch(10, 2, 0x08), maxTimestamp: 1_700_000_000_999n } as RecordsBatch;
    expect(toRecordBatch('t', partition([appended]), 0n, false)?.batch?.records.map((r) => [r.offset, r.timestamp])).toEqual([
      ['10', '1700000000999'],
      ['11', '1700000000999'],
    ]);
    expect(toRecordBatch('t', partition([batch(5, 2, 0)]), 6n, false)?.batch?.records.map((r) => [r.offset, r.timestamp])).toEqual([['6', '1001']]);
  });

  it('hands headers over by name, the first of a repeated name winning, the same names record after record', () => {
    const headers = (pairs: [string, string | null][]) => pairs.map(([n, v]) => [Buffer.from(n), v === null ? null : Buffer.from(v)] as const);
    const withHeaders = { ...batch(0, 3, 0) } as RecordsBatch;
    const rows: [string, string | null][][] = [
      [['sy-queue', 'a'], ['zoë', 'x'], ['sy-queue', 'b'], ['empty', null]],
      [['sy-queue', 'c'], ['zoë', 'y'], ['sy-qeueu', 'd']],
      [['zoé', 'z']],
    ];
    (withHeaders as { records: unknown[] }).records = withHeaders.records.map((r, i) => ({ ...r, headers: headers(rows[i]!) }));
    const got = toRecordBatch('t', partition([withHeaders]), 0n, false)?.batch?.records.map((r) => Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])));
    expect(got).toEqual([{ 'sy-queue': 'a', 'zoë': 'x', empty: '' }, { 'sy-queue': 'c', 'zoë': 'y', 'sy-qeueu': 'd' }, { 'zoé': 'z' }]);
  });
});
