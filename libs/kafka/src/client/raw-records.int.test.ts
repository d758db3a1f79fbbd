import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { IncomingRecord, KafkaClient, ProducerPort, RecordBatch } from './kafka-client.port.js';
import { EncodedRecords, ExtraHeaders } from './records/encoded-records.js';
import { DEFAULT_KAFKA_CLIENT } from './kafka.options.js';
import { throwawayConsumer } from './throwaway-consumer.js';

const PARTITIONS = 3;

async function connectedProducer(client: KafkaClient, name: string): Promise<ProducerPort> {
  const producer = client.producer({ transactionalId: uniqueName(name), transactionTimeoutMs: 10_000 });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return producer;
}

/** Reads `topic` from the beginning (read_committed) until `done(batches)`; every batch as handed over. */
async function readBatches(client: KafkaClient, topic: string, rawRecords: boolean, done: (records: number) => boolean): Promise<RecordBatch[]> {
  const batches: RecordBatch[] = [];
  let records = 0;
  const consumer = throwawayConsumer(client, { groupId: uniqueName('raw-reader'), maxWaitTimeMs: 200, readCommitted: true });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({
    rawRecords,
    eachBatch: async (batch) => {
      batches.push(batch);
      if (batch.raw) for (const cursor = batch.raw.cursor(); cursor.next(); ) records++;
      records += batch.records.length;
    },
  });
  await vi.waitFor(() => expect(done(records)).toBe(true), { timeout: 30_000, interval: 100 });
  return batches;
}

const incoming = (batches: readonly RecordBatch[]): IncomingRecord[] =>
  batches.flatMap((batch) => {
    if (!batch.raw) return [...batch.records];
    const out: IncomingRecord[] = [];
    for (const cursor = batch.raw.cursor(); cursor.next(); ) out.push(cursor.toIncoming());
    return out;
  });

const byPlace = (a: IncomingRecord, b: IncomingRecord) => a.partition - b.partition || Number(a.offset) - Number(b.offset);
const described = (r: IncomingRecord) => ({ key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()])) });

describe('raw records (@platformatic/kafka) on the real broker', () => {
  it('read committed records in place, the same as parsed records, and copies sent encoded over several transactions arrive once each', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [source, target] = [uniqueName('raw-source'), uniqueName('raw-target')];
    admin.deleteAfterTest([source, target]);
    await admin.createTopics([source, target].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1, configs: {} })));

    // Source: committed, aborted and committed transactions; headers, a null key, a null value.
    const producer = await connectedProducer(client, 'raw-source-tx');
    const records = (from: number) =>
      Array.from({ length: 40 }, (_, i) => ({ key: i === 7 ? null : `k${from + i}`, value: i === 9 ? null : `v${from + i}`, headers: { 'sy-type': `t${i % 3}`, trace: `x${from + i}` } }));
    for (const [from, end] of [[0, 'commit'], [100, 'abort'], [200, 'commit']] as const) {
      const tx = await producer.transaction();
      await tx.send([{ topic: source, records: records(from) }]);
      await (end === 'commit' ? tx.commit() : tx.abort());
    }

    const raw = await readBatches(client, source, true, (n) => n >= 80);
    const parsed = await readBatches(client, source, false, (n) => n >= 80);
    // @platformatic/kafka hands raw records over; kafkajs has no raw path and hands over records.
    const rawSupported = (client.settings?.client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic';
    expect(raw.every((batch) => (rawSupported ? batch.raw !== undefined && batch.records.length === 0 : batch.raw === undefined))).toBe(true);
    const rawRecords = incoming(raw).sort(byPlace);
    expect(rawRecords.map((r) => [r.partition, r.offset, described(r)])).toEqual(incoming(parsed).sort(byPlace).map((r) => [r.partition, r.offset, described(r)]));
    expect(rawRecords.map((r) => r.value?.toString() ?? null).sort()).toEqual([...records(0), ...records(200)].map((r) => r.value).sort());

    // Copies: the raw records re-encoded with an origin header, one transaction per source
    // partition, the second one aborted. Every committed copy once (the producer's sequence
    // numbers count the encoded records, or the broker refuses the next transaction's).
    if (!rawSupported) return;
    const copier = await connectedProducer(client, 'raw-copier-tx');
    const byPartition = new Map<number, RecordBatch[]>();
    for (const batch of raw) byPartition.set(batch.partition, [...(byPartition.get(batch.partition) ?? []), batch]);
    const expected: ReturnType<typeof described>[] = [];
    let transaction = 0;
    for (const [partition, batches] of [...byPartition].sort(([a], [b]) => a - b)) {
      const extra = new ExtraHeaders([{ name: Buffer.from('sy-replay-origin'), value: Buffer.from(`${source}/${partition}/`), suffixed: true }]);
      const encoded = batches.map((batch) => {
        const copies = new EncodedRecords();
        for (const cursor = batch.raw!.cursor(); cursor.next(); ) {
          copies.appendCopy(cursor, extra, cursor.offset);
          const record = described(cursor.toIncoming());
          if (transaction !== 1) expected.push({ ...record, headers: { ...record.headers, 'sy-replay-origin': `${source}/${partition}/${cursor.offset}` } });
        }
        return copies;
      });
      const tx = await copier.transaction();
      await tx.sendEncoded(target, encoded);
      await (transaction++ === 1 ? tx.abort() : tx.commit());
    }
    // Once more after the abort, on every partition: its sequence numbers must still be right.
    const again = new EncodedRecords();
    const extra = new ExtraHeaders([{ name: Buffer.from('sy-replay-origin'), value: Buffer.from('again/'), suffixed: true }]);
    for (const batch of raw)
      for (const cursor = batch.raw!.cursor(); cursor.next(); ) {
        again.appendCopy(cursor, extra, cursor.offset);
        const record = described(cursor.toIncoming());
        expected.push({ ...record, headers: { ...record.headers, 'sy-replay-origin': `again/${cursor.offset}` } });
      }
    const tx = await copier.transaction();
    await tx.sendEncoded(target, [again]);
    await tx.commit();

    const copied = incoming(await readBatches(client, target, false, (n) => n >= expected.length));
    const key = (r: ReturnType<typeof described>) => JSON.stringify(r);
    expect(copied.map(described).map(key).sort()).toEqual(expected.map(key).sort());
    // A keyed copy sits on its key's partition: the copies of one key are in one partition.
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const r of copied) if (r.key) partitionsOfKey.set(r.key.toString(), (partitionsOfKey.get(r.key.toString()) ?? new Set()).add(r.partition));
    expect([...partitionsOfKey.values()].every((set) => set.size === 1)).toBe(true);
  });
});
