import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { IncomingRecord, ProducerPort } from './kafka-client.port.js';
import { throwawayConsumer } from './throwaway-consumer.js';

/** The topic's largest batch: the oversized record of a transaction is refused by the broker. */
const MAX_MESSAGE_BYTES = 2_000;

async function inTransaction(producer: ProducerPort, topic: string, value: string, end: 'commit' | 'abort'): Promise<void> {
  const tx = await producer.transaction();
  try {
    await tx.send([{ topic, records: [{ key: 'k', value, partition: 0 }] }]);
  } catch (error) {
    await tx.abort();
    throw error;
  }
  await (end === 'commit' ? tx.commit() : tx.abort());
}

describe('read_committed', () => {
  it('hands over a committed transaction that lies between two aborts of the same producer, the second with no records in the partition', async () => {
    // @platformatic/kafka's own fetch() filter dropped, per producer, everything from the first
    // listed aborted transaction to that producer's LAST abort marker in the answer: here the
    // committed 'b' (the second abort wrote only its marker here, so the broker does not list it).
    // transactions.broker-restart lost 202 committed transactions to it (fetch-request.ts).
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('read-committed');
    admin.deleteAfterTest([topic]);
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': String(MAX_MESSAGE_BYTES) } }]);
    const producer = client.producer({ transactionalId: uniqueName('read-committed-tx'), transactionTimeoutMs: 10_000 });
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    await inTransaction(producer, topic, 'a', 'abort');
    await inTransaction(producer, topic, 'b', 'commit');
    // Partition 0 joins the transaction, its produce is refused (too large): an ABORT marker with no record before it.
    await expect(inTransaction(producer, topic, 'x'.repeat(2 * MAX_MESSAGE_BYTES), 'commit')).rejects.toThrow();
    await inTransaction(producer, topic, 'd', 'commit');

    const read: IncomingRecord[] = [];
    const consumer = throwawayConsumer(client, { groupId: uniqueName('read-committed-reader'), maxWaitTimeMs: 200 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe([topic], { fromBeginning: true });
    await consumer.run({ eachBatch: async (batch) => void read.push(...batch.records) });
    // 'd' comes last: once it is read, everything before it was handed over or left out.
    await vi.waitFor(() => expect(read.map((r) => r.value?.toString()).at(-1)).toBe('d'), { timeout: 30_000, interval: 100 });
    expect(read.map((r) => r.value?.toString())).toEqual(['b', 'd']);
  });
});
