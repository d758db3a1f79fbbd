/** Port contract, part 1 and 2: records round-trip exactly, and batches keep RecordBatch's semantics. */
import { expect, it } from 'vitest';
import { partitionForKey } from '../../partitioner/tenant-partitioner.js';
import type { IncomingRecord, OutgoingRecord } from '../kafka-client.port.js';
import { fetchCycles, range, rig, waitFor } from './contract-kit.test-support.js';
import type { KafkaClientName } from '../kafka.options.js';

export function recordsContract(name: KafkaClientName): void {
  it('round-trips keys, tombstones, binary headers, timestamps and explicit partitions; keys land on partitionForKey', async () => {
    const r = await rig(name);
    const topic = await r.topic('roundtrip', 3);
    const producer = await r.producer();
    const binary = Buffer.from([0, 255, 1, 128, 10]);
    const sent: OutgoingRecord[] = [
      ...range(0, 11).map((i) => ({ key: `tenant-${i}`, value: `v-${i}`, headers: { 'x-bin': binary, 'x-text': `h-${i}` }, timestamp: String(1_700_000_000_000 + i) })),
      { key: 'tombstone-key', value: null, timestamp: '1700000000100' },
      { key: 'pinned', value: 'to-2', partition: 2, timestamp: '1700000000200' },
      { key: null, value: Buffer.from([1, 2, 3]), partition: 1, timestamp: '1700000000300' },
    ];
    const acks = await producer.send([{ topic, records: sent }]);
    expect(new Set(acks.map((a) => a.topic))).toEqual(new Set([topic]));

    const c = await r.consumer({ groupId: r.group('roundtrip'), topics: [topic] });
    const received = (): IncomingRecord[] => c.batches.flatMap((b) => b.records);
    await waitFor(() => expect(received()).toHaveLength(sent.length));

    const byValue = (rec: IncomingRecord) => (rec.key === null ? null : rec.key.toString());
    const got = new Map(received().map((rec) => [byValue(rec), rec]));
    for (const i of range(0, 11)) {
      const rec = got.get(`tenant-${i}`)!;
      expect(rec.topic).toBe(topic);
      expect(rec.partition).toBe(partitionForKey(`tenant-${i}`, 3));
      expect(rec.value).toEqual(Buffer.from(`v-${i}`));
      expect(rec.headers).toEqual({ 'x-bin': binary, 'x-text': Buffer.from(`h-${i}`) });
      expect(rec.timestamp).toBe(String(1_700_000_000_000 + i));
    }
    expect(got.get('tombstone-key')).toMatchObject({ value: null, partition: partitionForKey('tombstone-key', 3), headers: {}, timestamp: '1700000000100' });
    expect(got.get('pinned')).toMatchObject({ value: Buffer.from('to-2'), partition: 2, timestamp: '1700000000200' });
    expect(got.get(null)).toMatchObject({ key: null, value: Buffer.from([1, 2, 3]), partition: 1, timestamp: '1700000000300' });
    // One request per partition, each acknowledged with the offset its first record got.
    for (const ack of acks) {
      const first = Math.min(...received().filter((rec) => rec.partition === ack.partition).map((rec) => Number(rec.offset)));
      expect(ack.baseOffset).toBe(String(first));
    }
  });

  it('hands over records in offset order, never an empty batch, with the log end as highWatermark', async () => {
    const r = await rig(name);
    const topic = await r.topic('order', 2);
    const producer = await r.producer();
    for (const chunk of range(0, 4)) {
      await producer.send([{ topic, records: range(0, 9).map((i) => ({ value: `r-${chunk * 10 + i}`, partition: 0 })) }]);
    }
    const c = await r.consumer({ groupId: r.group('order'), topics: [topic] });
    await waitFor(() => expect(c.offsets(0)).toHaveLength(50));
    // Partition 0 is at its end while partition 1 (the clock) is fetched three more times.
    await fetchCycles(producer, c, { topic, partition: 1 });

    expect(c.offsets(0)).toEqual(range(0, 49));
    expect(c.batches.every((b) => b.records.length > 0)).toBe(true);
    for (const b of c.batches) {
      const offsets = b.records.map((rec) => Number(rec.offset));
      expect(offsets).toEqual(range(offsets[0]!, offsets[0]! + offsets.length - 1));
      expect(b.lastOffset).toBe(String(offsets.at(-1)));
      expect(Number(b.highWatermark)).toBeGreaterThan(Number(b.lastOffset));
    }
    expect(c.batches.filter((b) => b.partition === 0).at(-1)!.highWatermark).toBe('50');
  });

  it('skips transaction markers but counts them in lastOffset', async () => {
    const r = await rig(name);
    const topic = await r.topic('markers', 1);
    const producer = await r.producer({ transactionalId: r.group('markers-tx') });
    const tx = await producer.transaction();
    await tx.send([{ topic, records: range(0, 2).map((i) => ({ value: `c-${i}`, partition: 0 })) }]);
    await tx.commit();
    // records 0..2, commit marker 3 (markers are written after commit() resolves)
    await waitFor(async () => expect(await r.admin.topicOffsets(topic)).toEqual([{ partition: 0, low: '0', high: '4' }]));

    const c = await r.consumer({ groupId: r.group('markers'), topics: [topic] });
    await waitFor(() => expect(c.batches.at(-1)?.lastOffset).toBe('3'));
    expect(c.offsets(0)).toEqual([0, 1, 2]);
    expect(c.batches.every((b) => b.records.length > 0)).toBe(true);
    expect(c.batches.at(-1)!.highWatermark).toBe('4');
  });

  it.each([
    { readCommitted: true, values: ['c1'], offsets: [3] },
    { readCommitted: false, values: ['a1', 'a2', 'c1'], offsets: [0, 1, 3] },
  ])('readCommitted: $readCommitted hands over $values of an aborted and a committed transaction', async ({ readCommitted, values, offsets }) => {
    const r = await rig(name);
    const topic = await r.topic('aborted', 1);
    const producer = await r.producer({ transactionalId: r.group('aborted-tx') });
    const aborted = await producer.transaction();
    await aborted.send([{ topic, records: [{ value: 'a1', partition: 0 }, { value: 'a2', partition: 0 }] }]);
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send([{ topic, records: [{ value: 'c1', partition: 0 }] }]);
    await committed.commit();
    // a1 0, a2 1, abort marker 2, c1 3, commit marker 4 (written after commit() resolves)
    await waitFor(async () => expect(await r.admin.topicOffsets(topic)).toEqual([{ partition: 0, low: '0', high: '5' }]));

    const c = await r.consumer({ groupId: r.group('aborted'), topics: [topic], readCommitted });
    await waitFor(() => expect(c.batches.at(-1)?.lastOffset).toBe('4'));
    expect(c.batches.flatMap((b) => b.records.map((rec) => rec.value?.toString()))).toEqual(values);
    expect(c.offsets(0)).toEqual(offsets);
    expect(c.batches.every((b) => b.records.length > 0)).toBe(true);
  });
}
