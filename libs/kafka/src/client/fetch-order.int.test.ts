import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { RecordBatch } from './kafka-client.port.js';
import { DEFAULT_KAFKA_CLIENT } from './kafka.options.js';
import { throwawayConsumer } from './throwaway-consumer.js';

const BACKLOG_PARTITIONS = 3;
/** Separate sends: every record is its own record batch, so a 1 KiB answer holds exactly one. */
const BATCHES_PER_PARTITION = 6;
const VALUE = 'x'.repeat(2_048);

const platformatic = (testClient().settings?.client ?? DEFAULT_KAFKA_CLIENT) === 'platformatic';

describe.skipIf(!platformatic)('fetch order (ConsumerRunOptions.fetchRank, ConsumerOptions.maxBytes) on the real broker', () => {
  it('reads the urgent topic first when answers are capped, and partitions of one rank take turns', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [backlog, urgent] = [uniqueName('order-backlog'), uniqueName('order-urgent')];
    admin.deleteAfterTest([backlog, urgent]);
    await admin.createTopics([
      { topic: backlog, numPartitions: BACKLOG_PARTITIONS, replicationFactor: 1, configs: {} },
      { topic: urgent, numPartitions: 1, replicationFactor: 1, configs: {} },
    ]);
    const producer = client.producer({});
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    for (let i = 0; i < BATCHES_PER_PARTITION; i++) {
      await producer.send([{ topic: backlog, records: Array.from({ length: BACKLOG_PARTITIONS }, (_, partition) => ({ key: `b${i}`, value: VALUE, partition })) }]);
    }
    await producer.send([{ topic: urgent, records: [{ key: 'u', value: 'urgent', partition: 0 }] }]);

    const batches: RecordBatch[] = [];
    // Backlog first in the subscription, the urgent topic ranked first; answers capped at 1 KiB
    // (the broker still returns the first batch of the first partition with data).
    const consumer = throwawayConsumer(client, { groupId: uniqueName('order-reader'), maxWaitTimeMs: 200, maxBytes: 1_024 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe([backlog, urgent], { fromBeginning: true });
    await consumer.run({ fetchRank: (topic) => (topic === urgent ? 0 : 1), eachBatch: async (batch) => void batches.push(batch) });
    const total = BACKLOG_PARTITIONS * BATCHES_PER_PARTITION + 1;
    await vi.waitFor(() => expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(total), { timeout: 30_000, interval: 100 });

    // One record batch per answer: the urgent one first, although the backlog had data all along.
    expect(batches.every((b) => b.records.length === 1)).toBe(true);
    expect(batches[0]!.topic).toBe(urgent);
    // Then the backlog's partitions in turn: no partition is drained while the others wait.
    const order = batches.slice(1).map((b) => b.partition);
    for (let i = 0; i + BACKLOG_PARTITIONS <= order.length; i += BACKLOG_PARTITIONS) {
      expect(new Set(order.slice(i, i + BACKLOG_PARTITIONS)).size).toBe(BACKLOG_PARTITIONS);
    }
  });
});
