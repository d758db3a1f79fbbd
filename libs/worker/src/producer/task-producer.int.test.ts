import { describe, expect, it, vi } from 'vitest';
import { decodeTaskEnvelope, laneTopic, retryTopic } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
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
});
