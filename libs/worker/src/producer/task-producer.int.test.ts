import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeTaskEnvelope, ensureTopology, TASK_HEADERS, laneTopic, planQueueTopology, retryTopic, scanTopics, taskStatusTopic, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { setupQueue } from '../worker.test-support.js';
import { readTaskStatus } from '../status/task-status-reader.js';
import { TaskProducer } from './task-producer.js';

describe('TaskProducer on a real broker', () => {
  it('routes by priority to lanes, keys by tenant, and a future scheduledAt to a delay tier', async () => {
    const q = await setupQueue();
    const lanes = await collectTopics(q.client, [laneTopic(q.name, 'critical'), laneTopic(q.name, 'background'), retryTopic(q.name, '30s')]);
    const at = new Date(Date.now() + 45_000).toISOString();
    const receipts = await q.producer.enqueueMany([
      { task: { id: 'c1', type: 'ping', queue: q.name, priority: 'critical', payload: { n: 1 } }, options: { tenant: 'acme', orderingKey: 'user-1' } },
      { task: { id: 'b1', type: 'ping', queue: q.name, priority: 'background', payload: null } },
      { task: { id: 's1', type: 'ping', queue: q.name, payload: {}, scheduledAt: at }, options: { tenant: 'acme' } },
    ]);
    expect(receipts.map((r) => [r.taskId, r.topic])).toEqual([
      ['c1', laneTopic(q.name, 'critical')],
      ['b1', laneTopic(q.name, 'background')],
      ['s1', retryTopic(q.name, '30s')],
    ]);
    expect(receipts[2]!.notBefore).toBe(new Date(at).toISOString());
    await vi.waitFor(() => expect(lanes.records).toHaveLength(3), { timeout: 30_000, interval: 100 });
    const c1 = lanes.records.find((r) => r.topic === laneTopic(q.name, 'critical'))!;
    expect(c1.key?.toString()).toBe('acme');
    expect(c1.partition).toBe(receipts[0]!.partition);
    const decoded = decodeTaskEnvelope(c1);
    expect(decoded.ok && decoded.envelope).toMatchObject({ taskId: 'c1', tenant: 'acme', orderingKey: 'user-1', attempt: 0, priority: 'critical', payload: { n: 1 } });
    expect(await readTaskStatus(q.client, q.name, 's1')).toMatchObject({ taskId: 's1', status: 'queued', nextAttemptAt: new Date(at).toISOString() });
  });

  it('refuses bad input with a clear error and sends nothing', async () => {
    const q = await setupQueue();
    const lane = await collectTopics(q.client, [laneTopic(q.name, 'normal')]);
    await expect(q.producer.enqueue({ type: 'Bad-Type', queue: q.name, payload: {} })).rejects.toMatchObject({ code: 'SY_INVALID_TASK', message: expect.stringContaining('task.type') });
    await expect(
      q.producer.enqueueMany([
        { type: 'fine', queue: q.name, payload: {} },
        { type: 'fine', queue: q.name, payload: {}, priority: 'urgent' as never },
      ]),
    ).rejects.toMatchObject({ code: 'SY_INVALID_TASK', message: expect.stringContaining('tasks[1].priority') });
    await expect(q.producer.enqueue({ type: 'fine', queue: 'no-such-queue', payload: {} })).rejects.toMatchObject({ code: 'SY_UNKNOWN_QUEUE' });
    await expect(q.producer.enqueue({ type: 'fine', queue: q.name, payload: 'x'.repeat(1_100_000) })).rejects.toMatchObject({
      code: 'SY_PAYLOAD_TOO_LARGE',
      hint: expect.stringContaining('reference'),
    });
    // Discovery mode (no queue list): a queue is accepted once its lane topic exists.
    const discovering = new TaskProducer({ client: q.client });
    await discovering.enqueue({ id: 'ok', type: 'fine', queue: q.name, payload: {} });
    await expect(discovering.enqueue({ type: 'fine', queue: 'ghost-queue', payload: {} })).rejects.toMatchObject({ code: 'SY_UNKNOWN_QUEUE', message: expect.stringContaining('lane topics do not exist') });
    await discovering.disconnect();
    await vi.waitFor(() => expect(lane.records.map((r) => r.headers['sy-task-id']?.toString())).toEqual(['ok']), { timeout: 30_000, interval: 100 });
  });

  it('10,000 tasks of 1 KB in one enqueueMany land exactly once (regression: a big enqueueMany half-applied with MESSAGE_TOO_LARGE)', async () => {
    const q = await setupQueue();
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ task: { id: `big-${i}`, type: 'ping', queue: q.name, payload: { blob: 'x'.repeat(1_000) } }, options: { tenant: `tenant-${i % 7}` } }));

    const receipts = await q.producer.enqueueMany(tasks);

    expect(receipts).toHaveLength(10_000);
    const lane = await readAll(q.client, [laneTopic(q.name, 'normal')]);
    expect(taskIds(lane)).toHaveLength(10_000);
    expect(new Set(taskIds(lane)).size).toBe(10_000);
    const status = await readAll(q.client, [taskStatusTopic(q.name)]);
    expect(new Set(status.map((r) => r.key?.toString())).size).toBe(10_000);
  });

  it('a call Kafka refuses leaves none of its tasks visible and the error names the item at fault', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const name = uniqueName('q-small').replace(/[^a-z0-9_-]/g, '');
    const topology = { partitions: 3, maxMessageBytes: 64 * 1024 };
    admin.deleteAfterTest(planQueueTopology({ name }, topology).map((s) => s.topic));
    await ensureTopology(admin, { name }, topology);
    // Misconfigured on purpose: the producer believes the lanes take 1 MiB, so only the broker can refuse.
    const producer = new TaskProducer({ client, queues: [name] });
    onTestFinished(() => producer.disconnect());
    const tasks = Array.from({ length: 300 }, (_, i) => ({ id: `t-${i}`, type: 'ping', queue: name, payload: i === 150 ? 'x'.repeat(100_000) : { i } }));

    const failure = await producer.enqueueMany(tasks).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: 'SY_PAYLOAD_TOO_LARGE', message: expect.stringContaining('tasks[150] (id t-150)'), details: { written: 0, items: [expect.objectContaining({ item: 'tasks[150] (id t-150)', limit: 64 * 1024 })] } });
    expect(await readAll(client, [laneTopic(name, 'normal'), taskStatusTopic(name)])).toEqual([]);
    // Configured right, the same item is refused before anything is sent.
    const right = new TaskProducer({ client, queues: [name], maxMessageBytes: 64 * 1024 });
    onTestFinished(() => right.disconnect());
    await expect(right.enqueueMany(tasks)).rejects.toMatchObject({ code: 'SY_PAYLOAD_TOO_LARGE', message: expect.stringContaining('tasks[150]') });
    await right.enqueueMany(tasks.filter((_, i) => i !== 150));
    expect(new Set(taskIds(await readAll(client, [laneTopic(name, 'normal')]))).size).toBe(299);
  });

  it('concurrent calls share transactions, yet a call with a refused item fails alone', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const name = uniqueName('q-share').replace(/[^a-z0-9_-]/g, '');
    const topology = { partitions: 2, maxMessageBytes: 64 * 1024 };
    admin.deleteAfterTest(planQueueTopology({ name }, topology).map((s) => s.topic));
    await ensureTopology(admin, { name }, topology);
    const producer = new TaskProducer({ client, queues: [name], writeStatus: false });
    onTestFinished(() => producer.disconnect());
    await producer.connect();
    const call = (prefix: string, bad = false) =>
      producer.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ id: `${prefix}-${i}`, type: 'ping', queue: name, payload: bad && i === 3 ? 'x'.repeat(100_000) : { i } })));

    const results = await Promise.allSettled([call('a'), call('b'), call('c', true), call('d')]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(results[2]).toMatchObject({ reason: { code: 'SY_PAYLOAD_TOO_LARGE', message: expect.stringContaining('tasks[3] (id c-3)') } });
    const ids = taskIds(await readAll(client, [laneTopic(name, 'normal')]));
    expect(ids.sort()).toEqual(['a', 'b', 'd'].flatMap((p) => Array.from({ length: 20 }, (_, i) => `${p}-${i}`)).sort());
  });
});

/** Every committed record of `topics` up to their current end (read_committed). */
async function readAll(client: KafkaClient, topics: readonly string[]): Promise<IncomingRecord[]> {
  const records: IncomingRecord[] = [];
  await scanTopics(client, topics, (record) => void records.push(record));
  return records;
}

function taskIds(records: readonly IncomingRecord[]): string[] {
  return records.map((r) => r.headers[TASK_HEADERS.taskId]?.toString() ?? '?');
}
