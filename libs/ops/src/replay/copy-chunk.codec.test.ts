import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '@switchyard/kafka';
import { packCopies, unpackCopies } from './copy-chunk.codec.js';

describe('packCopies / unpackCopies', () => {
  it('round-trips keys, values and headers, null key and value, UTF-8 and empty ones', () => {
    const records: OutgoingRecord[] = [
      { key: Buffer.from('k1'), value: Buffer.from('{"a":1}'), headers: { 'sy-replay-origin': 'orders/0/42', ce_type: Buffer.from('order.paid') } },
      { key: null, value: null, headers: {} },
      { key: 'tenant-ü', value: '', headers: { 'sy-event-target-handlers': 'h1,h2', empty: Buffer.alloc(0) } },
      { value: Buffer.from([0, 1, 2, 255]) },
    ];
    const copies = unpackCopies(packCopies(records));
    const view = (v: string | Buffer | null | undefined) => (v == null ? v ?? null : Buffer.from(v).toString('hex'));
    expect(copies.map((c) => ({ key: view(c.key), value: view(c.value), headers: Object.fromEntries(Object.entries(c.headers ?? {}).map(([n, v]) => [n, view(v)])) }))).toEqual(
      records.map((r) => ({ key: view(r.key), value: view(r.value), headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([n, v]) => [n, view(v)])) })),
    );
  });

  it('packs no records into an empty buffer', () => {
    expect(unpackCopies(packCopies([]))).toEqual([]);
  });
});
