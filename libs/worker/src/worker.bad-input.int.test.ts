import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, encodeTaskEnvelope, laneTopic, taskDlqTopic } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

describe('worker regressions: odd input never crashes a worker or stalls commits', () => {
  it('a handler result JSON cannot hold (BigInt, a cycle) completes the task with a note instead of crashing', async () => {
    const q = await setupQueue();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await q.startWorker({ big_result: async () => 10n, cyclic_result: async () => cyclic, plain: async () => 'ok' });
    const statuses = await q.statuses();
    await q.producer.enqueueMany([
      { id: 'big', type: 'big_result', queue: q.name, payload: {} },
      { id: 'cyc', type: 'cyclic_result', queue: q.name, payload: {} },
      { id: 'after', type: 'plain', queue: q.name, payload: {} },
    ]);
    await vi.waitFor(() => expect(['big', 'cyc', 'after'].map((id) => statuses.latest().get(id)?.status)).toEqual(['completed', 'completed', 'completed']), { timeout: 30_000, interval: 200 });
    expect(statuses.latest().get('big')?.result?.result).toMatchObject({ unserializable: true });
  });

  it('a record whose sy-queue header names another queue is handled in the queue it was read from', async () => {
    const q = await setupQueue();
    const ran: string[] = [];
    await q.startWorker({ echo: async (task) => void ran.push(task.id) });
    const statuses = await q.statuses();
    const raw = q.client.producer();
    await raw.connect();
    const record = encodeTaskEnvelope({ taskId: 'foreign', type: 'echo', queue: 'queue-without-topics', priority: 'normal', attempt: 0, createdAt: new Date().toISOString(), payload: {} });
    await raw.send([{ topic: laneTopic(q.name, 'normal'), records: [record] }]);
    await raw.disconnect();
    await q.producer.enqueue({ id: 'native', type: 'echo', queue: q.name, payload: {} });
    await vi.waitFor(() => expect([statuses.latest().get('foreign')?.status, statuses.latest().get('native')?.status]).toEqual(['completed', 'completed']), { timeout: 30_000, interval: 200 });
    expect(ran.sort()).toEqual(['foreign', 'native']);
  });

  it('a task type named like an Object prototype property ("constructor") is an unknown type, not a handler', async () => {
    const q = await setupQueue();
    await q.startWorker({ known: async () => undefined });
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    await q.producer.enqueue({ id: 'proto', type: 'constructor', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(decodeDeadLetter(dlq.records[0]!)?.code).toBe('SY_UNKNOWN_TASK_TYPE');
  });

  it('refuses a malformed traceparent at enqueue instead of dead-lettering the task later', async () => {
    const q = await setupQueue();
    await expect(q.producer.enqueue({ type: 'known', queue: q.name, payload: {} }, { traceparent: 'not-a-trace' })).rejects.toMatchObject({
      code: 'SY_INVALID_TASK',
      message: expect.stringContaining('options.traceparent'),
    });
  });
});
