import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { runKafkaTool } from '@switchyard/kafka-local';
import { testAdmin, testBrokers, testClient, uniqueName } from '@switchyard/testing';
import type { IncomingRecord } from '../client/kafka-client.port.js';
import { throwawayConsumer } from '../client/throwaway-consumer.js';
import { partitionForKey } from './tenant-partitioner.js';

const PARTITIONS = 12;
const KEYS = [
  ...Array.from({ length: 150 }, (_, i) => `tenant-${i}`),
  'acme',
  'Ünïcødé-テナント',
  'a',
  'with space',
  '00000000-0000-4000-8000-000000000000',
];

describe('tenant partitioner vs the Java client', () => {
  it("places every key on the partition Kafka's own console producer chooses", async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const javaTopic = uniqueName('java-keys');
    const ourTopic = uniqueName('our-keys');
    admin.deleteAfterTest([javaTopic, ourTopic]);
    await admin.createTopics([
      { topic: javaTopic, numPartitions: PARTITIONS, replicationFactor: 1, configs: {} },
      { topic: ourTopic, numPartitions: PARTITIONS, replicationFactor: 1, configs: {} },
    ]);

    // Kafka's own Java producer (same Maven jars as the broker), keys parsed from stdin.
    const java = await runKafkaTool(
      'org.apache.kafka.tools.ConsoleProducer',
      ['--bootstrap-server', testBrokers(), '--topic', javaTopic, '--property', 'parse.key=true', '--property', 'key.separator=|'],
      { input: `${KEYS.map((k) => `${k}|value-of-${k}`).join('\n')}\n` },
    );
    expect(java.code, java.stderr).toBe(0);

    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    await producer.send([{ topic: ourTopic, records: KEYS.map((k) => ({ key: k, value: `value-of-${k}` })) }]);

    const placement = async (topic: string) => {
      const seen: IncomingRecord[] = [];
      const consumer = throwawayConsumer(client, { groupId: uniqueName('placement') });
      await consumer.connect();
      onTestFinished(() => consumer.disconnect());
      await consumer.subscribe([topic], { fromBeginning: true });
      await consumer.run({ eachBatch: async (batch) => void seen.push(...batch.records) });
      await vi.waitFor(() => expect(seen).toHaveLength(KEYS.length), { timeout: 60_000, interval: 200 });
      return new Map(seen.map((r) => [r.key!.toString('utf8'), r.partition]));
    };

    const byJava = await placement(javaTopic);
    const byUs = await placement(ourTopic);
    expect(byJava.size).toBe(KEYS.length);
    for (const key of KEYS) {
      expect({ key, partition: byUs.get(key) }).toEqual({ key, partition: byJava.get(key) });
      expect({ key, partition: partitionForKey(key, PARTITIONS) }).toEqual({ key, partition: byJava.get(key) });
    }
    // The sample really exercises the partitioner: keys spread over every partition.
    expect(new Set(byJava.values()).size).toBe(PARTITIONS);
  });
});
