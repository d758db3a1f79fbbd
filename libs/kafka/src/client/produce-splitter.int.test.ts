import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { OutgoingRecord } from './kafka-client.port.js';

/** Records near the 1 MiB default max.message.bytes, all on one partition (one key). */
const nearCap = (count: number): OutgoingRecord[] =>
  Array.from({ length: count }, (_, i) => ({ key: 'one-tenant', value: Buffer.alloc(1_000_000, i), headers: { 'sy-n': String(i) } }));

describe('producer calls larger than a request the broker accepts', () => {
  it('a send whose partition batch would pass max.message.bytes is split and lands whole (regression: MESSAGE_TOO_LARGE)', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('split-plain');
    admin.deleteAfterTest([topic]);
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1, configs: {} }]);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    const acks = await producer.send([{ topic, records: nearCap(3) }]);
    expect(acks.length).toBeGreaterThanOrEqual(3);
    expect((await admin.topicOffsets(topic))[0]!.high).toBe('3');
  });

  it('a transaction of 10,000 records of 1 KB plus records near the cap commits every record exactly once', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [small, large] = [uniqueName('split-tx-small'), uniqueName('split-tx-large')];
    admin.deleteAfterTest([small, large]);
    await admin.createTopics([
      { topic: small, numPartitions: 3, replicationFactor: 1, configs: {} },
      { topic: large, numPartitions: 1, replicationFactor: 1, configs: {} },
    ]);
    const producer = client.producer({ transactionalId: uniqueName('split-tx') });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const records = Array.from({ length: 10_000 }, (_, i) => ({ key: `tenant-${i % 5}`, value: 'x'.repeat(1_000), headers: { 'sy-task-id': `t-${i}` } }));

    const tx = await producer.transaction();
    await tx.send([{ topic: small, records }, { topic: large, records: nearCap(2) }]);
    await tx.commit();

    const read = await collectTopics(client, [small, large]);
    await vi.waitFor(() => expect(read.records.length).toBeGreaterThanOrEqual(10_002), { timeout: 60_000, interval: 200 });
    const ids = read.records.filter((r) => r.topic === small).map((r) => r.headers['sy-task-id']!.toString());
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    expect(read.records.filter((r) => r.topic === large).map((r) => r.headers['sy-n']!.toString())).toEqual(['0', '1']);
  });
});

describe('a transactional producer after Kafka refused a send', () => {
  it('writes the next transaction to the partitions the refused request also held (regression: OUT_OF_ORDER_SEQUENCE_NUMBER)', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [fine, small] = [uniqueName('after-fine'), uniqueName('after-small')];
    admin.deleteAfterTest([fine, small]);
    await admin.createTopics([
      { topic: fine, numPartitions: 1, replicationFactor: 1, configs: {} },
      { topic: small, numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '10000' } },
    ]);
    const producer = client.producer({ transactionalId: uniqueName('after-refusal') });
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    // One request for both topics: the broker writes `fine`'s batch and refuses `small`'s.
    const refused = await producer.transaction();
    await expect(refused.send([{ topic: fine, records: [{ key: 'k', value: 'lost' }] }, { topic: small, records: [{ key: 'k', value: 'x'.repeat(20_000) }] }])).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await refused.abort();
    const next = await producer.transaction();
    await next.send([{ topic: fine, records: [{ key: 'k', value: 'kept' }] }]);
    await next.commit();

    const read = await collectTopics(client, [fine]);
    await vi.waitFor(() => expect(read.records.map((r) => r.value?.toString())).toEqual(['kept']), { timeout: 30_000, interval: 100 });
  });

  it('a plain idempotent producer writes again to a partition whose batch the broker took in a refused request', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [fine, small] = [uniqueName('plain-fine'), uniqueName('plain-small')];
    admin.deleteAfterTest([fine, small]);
    await admin.createTopics([
      { topic: fine, numPartitions: 1, replicationFactor: 1, configs: {} },
      { topic: small, numPartitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '10000' } },
    ]);
    const producer = client.producer();
    await producer.connect();
    onTestFinished(() => producer.disconnect());

    await expect(producer.send([{ topic: fine, records: [{ key: 'k', value: 'first' }] }, { topic: small, records: [{ key: 'k', value: 'x'.repeat(20_000) }] }])).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.send([{ topic: fine, records: [{ key: 'k', value: 'second' }] }]);

    expect((await admin.topicOffsets(fine))[0]!.high).toBe('2');
  });
});
