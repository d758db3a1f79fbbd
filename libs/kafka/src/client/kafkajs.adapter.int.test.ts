import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { decodeTaskEnvelope, encodeTaskEnvelope, type TaskEnvelope } from '../envelope/task-envelope.v1.js';
import type { IncomingRecord, KafkaClient } from './kafka-client.port.js';
import { throwawayConsumer } from './throwaway-consumer.js';

async function collect(client: KafkaClient, topic: string, groupId: string, into: IncomingRecord[]) {
  // Deleted with its offsets when the test finishes: nothing is left on the broker.
  const consumer = throwawayConsumer(client, { groupId });
  await consumer.connect();
  onTestFinished(() => consumer.disconnect());
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({
    eachBatch: async (batch) => {
      into.push(...batch.records);
      const last = batch.records.at(-1);
      if (last) await consumer.commit([{ topic, partition: batch.partition, offset: String(BigInt(last.offset) + 1n) }]);
    },
  });
  return consumer;
}

describe('kafkajs client adapter on a real broker', () => {
  it('round-trips a task envelope with its headers and key through produce and consume', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('roundtrip');
    admin.deleteAfterTest([topic]);
    await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1, configs: {} }]);

    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const sent: TaskEnvelope[] = Array.from({ length: 20 }, (_, i) => ({
      taskId: `t-${i}`,
      type: 'resize_image',
      queue: 'media',
      priority: 'normal',
      tenant: `tenant-${i % 4}`,
      attempt: 0,
      createdAt: new Date(Date.UTC(2026, 10, 28, 10, 0, i)).toISOString(),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      payload: { image: `img-${i}.png`, sizes: [64, 128] },
    }));
    const acks = await producer.send([{ topic, records: sent.map(encodeTaskEnvelope) }]);
    expect(acks.length).toBeGreaterThan(0);

    const received: IncomingRecord[] = [];
    await collect(client, topic, uniqueName('g'), received);
    await vi.waitFor(() => expect(received).toHaveLength(20), { timeout: 30_000, interval: 100 });

    const decoded = received.map((r) => {
      const result = decodeTaskEnvelope(r);
      if (!result.ok) throw result.error;
      return { envelope: result.envelope, key: r.key?.toString(), partition: r.partition };
    });
    expect(decoded.map((d) => d.envelope).sort((a, b) => a.taskId.localeCompare(b.taskId))).toEqual(
      [...sent].sort((a, b) => a.taskId.localeCompare(b.taskId)),
    );
    // Same tenant, same key, same partition.
    for (const d of decoded) expect(d.key).toBe(d.envelope.tenant);
    const partitionOf = new Map<string, Set<number>>();
    for (const d of decoded) partitionOf.set(d.key!, (partitionOf.get(d.key!) ?? new Set()).add(d.partition));
    expect([...partitionOf.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('makes transactional records and offsets visible on commit only', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('tx');
    admin.deleteAfterTest([topic]);
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: {} }]);
    const producer = client.producer({ transactionalId: uniqueName('txid') });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const group = uniqueName('txgroup');

    const aborted = await producer.transaction();
    await aborted.send([{ topic, records: [{ key: 'k', value: 'aborted' }] }]);
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send([{ topic, records: [{ key: 'k', value: 'committed' }] }]);
    await committed.sendOffsets({ groupId: group, generationId: -1, memberId: '' }, [{ topic, partition: 0, offset: '0' }]);
    await committed.commit();

    const received: IncomingRecord[] = [];
    await collect(client, topic, uniqueName('reader'), received);
    await vi.waitFor(() => expect(received.map((r) => r.value?.toString())).toEqual(['committed']), { timeout: 30_000, interval: 100 });
    expect(await admin.groupOffsets(group, [topic])).toEqual([{ topic, partition: 0, offset: '0' }]);
    const [offsets] = await admin.topicOffsets(topic);
    // aborted record + abort marker + committed record + commit marker
    expect(offsets).toEqual({ partition: 0, low: '0', high: '4' });
  });
});
