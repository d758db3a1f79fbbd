import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { groupsLeft, recordGroups, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { IncomingRecord, KafkaClient } from './kafka-client.port.js';
import { throwawayConsumer } from './throwaway-consumer.js';
import { scanTopics } from './topic-scan.js';

async function topicWithRecords(client: KafkaClient, count: number, partitions = 1): Promise<string> {
  const admin = await testAdmin(client);
  const topic = uniqueName('litter');
  admin.deleteAfterTest([topic]);
  await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: 1, configs: {} }]);
  const producer = client.producer();
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  await producer.send([{ topic, records: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) }]);
  return topic;
}

/** Reads `topic` with `consumer` until `count` records came, commits them, disconnects. */
async function readAndCommit(consumer: ReturnType<KafkaClient['consumer']>, topic: string, count: number): Promise<void> {
  const seen: IncomingRecord[] = [];
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({ eachBatch: async (batch) => void seen.push(...batch.records) });
  await vi.waitFor(() => expect(seen).toHaveLength(count), { timeout: 30_000, interval: 100 });
  await consumer.commit([{ topic, partition: 0, offset: String(count) }]);
  await consumer.disconnect();
}

describe('consumer groups left on the cluster', () => {
  it('a plain consumer leaves its group listed; a throwaway consumer deletes its group and offsets on disconnect', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = await topicWithRecords(client, 3);
    const plain = uniqueName('plain-reader');
    const throwaway = uniqueName('throwaway-reader');
    admin.deleteGroupsAfterTest([plain]);

    await readAndCommit(client.consumer({ groupId: plain, maxWaitTimeMs: 200 }), topic, 3);
    await readAndCommit(throwawayConsumer(client, { groupId: throwaway, maxWaitTimeMs: 200 }), topic, 3);

    expect(await groupsLeft(admin, [plain, throwaway])).toEqual([plain]);
    expect(await admin.groupOffsets(plain, [topic])).toEqual([{ topic, partition: 0, offset: '3' }]);
    expect(await admin.groupOffsets(throwaway, [topic])).toEqual([{ topic, partition: 0, offset: '-1' }]);
  });

  it('a scan to the end leaves the group list unchanged', async () => {
    const { client, groups } = recordGroups(testClient());
    const admin = await testAdmin(client);
    const topic = await topicWithRecords(client, 20, 3);
    const records: IncomingRecord[] = [];
    await scanTopics(client, [topic], (r) => records.push(r), { timeoutMs: 30_000 });
    expect(records).toHaveLength(20);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatch(/^switchyard\.scan\./);
    expect(await groupsLeft(admin, groups)).toEqual([]);
  });

  it('a scan whose onRecord throws fails with that error and deletes its group too', async () => {
    const { client, groups } = recordGroups(testClient());
    const admin = await testAdmin(client);
    const topic = await topicWithRecords(client, 5);
    const broken = new Error('onRecord failed');
    let delivered = 0;
    // A record is only delivered once the consumer joined its group: the group existed on the cluster.
    const scan = scanTopics(client, [topic], () => {
      delivered++;
      throw broken;
    });
    await expect(scan).rejects.toBe(broken);
    expect(delivered).toBe(1);
    expect(groups).toHaveLength(1);
    expect(await groupsLeft(admin, groups)).toEqual([]);
  });
});
