import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { DEFAULT_KAFKA_CLIENT, EncodedRecords, ExtraHeaders, scanTopics, type IncomingRecord } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { ThreadWriter } from './thread-writer.js';

const RECORDS = 2_000;

describe('ThreadWriter on a real broker', () => {
  const client = testClient();
  const rawRecords = (client.settings?.client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic';

  it.runIf(rawRecords)('writes copies of raw records, transferred to its thread as bytes, once each in its transaction', async () => {
    const admin = await testAdmin(client);
    const [source, target] = [uniqueName('thread-src'), uniqueName('thread-dst')];
    admin.deleteAfterTest([source, target]);
    await admin.createTopics([source, target].map((topic) => ({ topic, numPartitions: 2, replicationFactor: 1, configs: {} })));
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([{ topic: source, records: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { 'sy-n': String(i) }, partition: 0 })) }]);

    // The copies of every source record, as the replay makes them from raw batches.
    const encoded = new EncodedRecords();
    const extra = new ExtraHeaders([{ name: Buffer.from('sy-replay-origin'), value: Buffer.from(`${source}/0/`), suffixed: true }]);
    const consumer = client.consumer({ groupId: uniqueName('thread-reader'), maxWaitTimeMs: 200, readCommitted: true });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe([source], { fromBeginning: true });
    await consumer.run({
      rawRecords: true,
      eachBatch: async (batch) => {
        for (const cursor = batch.raw!.cursor(); cursor.next(); ) encoded.appendCopy(cursor, extra, cursor.offset);
      },
    });
    await vi.waitFor(() => expect(encoded.count).toBe(RECORDS), { timeout: 30_000, interval: 50 });
    await consumer.stop();

    const committed: [number, bigint, number][] = [];
    const failures: unknown[] = [];
    const writer = ThreadWriter.start(
      { settings: client.settings!, transactionalId: uniqueName('thread-writer'), transactionTimeoutMs: 30_000, topic: source, toTopic: target, group: uniqueName('thread-group') },
      { onCommitted: (partition, position, written) => committed.push([partition, position, written]), onFailed: (error) => failures.push(error) },
    );
    expect(await writer.write({ partition: 0, records: [], encoded, bytes: encoded.byteLength, position: BigInt(RECORDS) })).toBe(true);
    await vi.waitFor(() => expect([committed, failures]).toEqual([[[0, BigInt(RECORDS), RECORDS]], []]), { timeout: 60_000, interval: 50 });
    await writer.stop();

    const read: IncomingRecord[] = [];
    await scanTopics(client, [target], (record) => void read.push(record));
    const copies = read.map((r) => [r.key?.toString(), r.value?.toString(), r.headers['sy-n']?.toString(), r.headers['sy-replay-origin']?.toString()]);
    expect(copies.sort()).toEqual(Array.from({ length: RECORDS }, (_, i) => [`k${i}`, `v${i}`, String(i), `${source}/0/${i}`]).sort());
  });
});
