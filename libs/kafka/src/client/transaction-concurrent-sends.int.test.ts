import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { IncomingRecord } from './kafka-client.port.js';
import { throwawayConsumer } from './throwaway-consumer.js';

const PARTITIONS = 4;
const ROUNDS = 3;

describe('a transaction', () => {
  it('takes sends made at the same time, to different partitions, and commits all of them', async () => {
    // @platformatic/kafka let concurrent sends share one AddPartitionsToTxn: only the first send's
    // partition joined the transaction, the others were refused (TRANSACTION_ABORTABLE).
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('tx-concurrent-sends');
    admin.deleteAfterTest([topic]);
    await admin.createTopics([{ topic, numPartitions: PARTITIONS, replicationFactor: 1, configs: {} }]);
    const producer = client.producer({ transactionalId: uniqueName('tx-concurrent-sends'), transactionTimeoutMs: 10_000 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const expected: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const tx = await producer.transaction();
      const values = Array.from({ length: PARTITIONS }, (_, partition) => `${partition}:r${round}`);
      const sent = await Promise.allSettled(values.map((value, partition) => tx.send([{ topic, records: [{ key: `k${partition}`, value, partition }] }])));
      if (sent.some((s) => s.status === 'rejected')) await tx.abort();
      expect(sent.map((s) => (s.status === 'rejected' ? String(s.reason) : 'sent'))).toEqual(values.map(() => 'sent'));
      await tx.commit();
      expected.push(...values);
    }

    const read: IncomingRecord[] = [];
    const consumer = throwawayConsumer(client, { groupId: uniqueName('tx-concurrent-sends-reader'), maxWaitTimeMs: 200 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe([topic], { fromBeginning: true });
    await consumer.run({ eachBatch: async (batch) => void read.push(...batch.records) });
    await vi.waitFor(() => expect(read.map((r) => `${r.partition}:${r.value?.toString().split(':')[1]}`).toSorted()).toEqual(expected.toSorted()), { timeout: 30_000, interval: 200 });
  });
});
