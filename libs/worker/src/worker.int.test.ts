import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, laneTopic, taskDlqTopic } from '@switchyard/kafka';
import { UnrecoverableError } from '@switchyard/protocol';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

describe('worker on a real broker', () => {
  it('runs every task once with its payload, tenant and attempt, and records completed statuses', async () => {
    const q = await setupQueue({ concurrency: 8 });
    const seen: { id: string; payload: unknown; tenant?: string; attempt: number }[] = [];
    await q.startWorker({ add_numbers: async (task) => void seen.push({ id: task.id, payload: task.payload, tenant: task.tenant, attempt: task.attempt }) });
    const statuses = await q.statuses();
    const receipts = await q.producer.enqueueMany(
      Array.from({ length: 60 }, (_, i) => ({ task: { id: `t${i}`, type: 'add_numbers', queue: q.name, payload: { a: i, b: 1 } }, options: { tenant: `tenant-${i % 5}` } })),
    );
    expect(receipts).toHaveLength(60);
    await vi.waitFor(() => expect(seen).toHaveLength(60), { timeout: 60_000, interval: 100 });
    expect(new Set(seen.map((s) => s.id)).size).toBe(60);
    expect(seen.find((s) => s.id === 't7')).toEqual({ id: 't7', payload: { a: 7, b: 1 }, tenant: 'tenant-2', attempt: 1 });
    await vi.waitFor(() => expect([...statuses.latest().values()].filter((s) => s.status === 'completed')).toHaveLength(60), { timeout: 30_000, interval: 200 });
    expect(statuses.latest().get('t7')).toMatchObject({ status: 'completed', attempt: 1, result: { taskId: 't7', attempt: 1, willRetry: false, status: 'completed' } });
  });

  it('retries a failing task through a delay tier and then succeeds, never early', async () => {
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 3, backoffStrategy: 'fixed', initialDelayMs: 1500, maxDelayMs: 60000, backoffMultiplier: 2 } });
    const attempts: { attempt: number; at: number }[] = [];
    await q.startWorker({
      flaky_job: async (task) => {
        attempts.push({ attempt: task.attempt, at: Date.now() });
        if (task.attempt < 3) throw new Error(`boom ${task.attempt}`);
        return { ok: true };
      },
    });
    const statuses = await q.statuses();
    await q.producer.enqueue({ id: 'flaky-1', type: 'flaky_job', queue: q.name, payload: {} }, { tenant: 'acme' });
    await vi.waitFor(() => expect(statuses.latest().get('flaky-1')?.status).toBe('completed'), { timeout: 60_000, interval: 200 });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1500);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(1500);
    expect(statuses.latest().get('flaky-1')).toMatchObject({ attempt: 3, result: { result: { ok: true } } });
  });

  it('dead-letters a poison task after maxRetries with full metadata while other keys flow, later tasks of its key waiting behind it', async () => {
    const q = await setupQueue({ concurrency: 4, defaultRetryPolicy: { maxRetries: 2, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } });
    const order: string[] = [];
    await q.startWorker({
      process_order: async (task) => {
        order.push(`${task.id}#${task.attempt}`);
        if (task.id === 'poison') throw Object.assign(new Error('cannot parse order'), { code: 'E_PARSE' });
      },
    });
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    await q.producer.enqueueMany([
      { task: { id: 'poison', type: 'process_order', queue: q.name, payload: { n: 0 } }, options: { tenant: 'bad' } },
      { task: { id: 'after-poison', type: 'process_order', queue: q.name, payload: { n: 1 } }, options: { tenant: 'bad' } },
      ...Array.from({ length: 20 }, (_, i) => ({ task: { id: `ok-${i}`, type: 'process_order', queue: q.name, payload: {} }, options: { tenant: `good-${i % 4}` } })),
    ]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 60_000, interval: 200 });
    const dead = decodeDeadLetter(dlq.records[0]!)!;
    expect(dead).toMatchObject({ code: 'E_PARSE', attempts: 3, failedHandler: 'process_order', error: { message: 'cannot parse order', code: 'E_PARSE' } });
    expect(dead.error.stack).toContain('cannot parse order');
    expect(dead.origin.topic).toBe(`tasks.${q.name}.retry.1s`);
    expect(Date.parse(dead.lastFailedAt)).toBeGreaterThan(Date.parse(dead.firstFailedAt));
    expect(dlq.records[0]!.headers['sy-task-id']?.toString()).toBe('poison');
    // Other keys were not held up by the poison task's retries.
    const firstPoisonRetry = order.indexOf('poison#2');
    expect(order.slice(0, firstPoisonRetry).filter((e) => e.startsWith('ok-'))).toHaveLength(20);
    // Its own key waited: the later task ran only after the poison task was dead.
    await vi.waitFor(() => expect(order).toContain('after-poison#1'), { timeout: 30_000, interval: 200 });
    expect(order.indexOf('after-poison#1')).toBeGreaterThan(order.indexOf('poison#3'));
  });

  it('dead-letters garbage bytes, wrong headers and unknown types with a reason, and keeps going', async () => {
    const q = await setupQueue();
    const ran: string[] = [];
    await q.startWorker({ known_type: async (task) => void ran.push(task.id) });
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    const raw = q.client.producer();
    await raw.connect();
    await raw.send([
      {
        topic: laneTopic(q.name, 'normal'),
        records: [
          { key: 'x', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
          { key: 'x', value: '{"fine":"json"}', headers: { 'sy-envelope': 'task.v1', 'sy-task-id': 'no-type' } },
        ],
      },
    ]);
    await raw.disconnect();
    await q.producer.enqueue({ id: 'mystery', type: 'unknown_type', queue: q.name, payload: {} });
    await q.producer.enqueue({ id: 'fine', type: 'known_type', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(dlq.records).toHaveLength(3), { timeout: 60_000, interval: 200 });
    const reasons = dlq.records.map((r) => decodeDeadLetter(r)!);
    expect(reasons.map((r) => r.code).sort()).toEqual(['SY_UNDECODABLE_MESSAGE', 'SY_UNDECODABLE_MESSAGE', 'SY_UNKNOWN_TASK_TYPE']);
    expect(reasons.find((r) => r.code === 'SY_UNKNOWN_TASK_TYPE')!.error.message).toContain('No handler for task type "unknown_type"');
    const garbage = dlq.records.find((r) => r.value?.equals(Buffer.from([0xde, 0xad, 0xbe, 0xef])));
    expect(garbage, 'the garbage bytes are kept as they were').toBeDefined();
    expect(decodeDeadLetter(garbage!)!.error.message).toContain('header sy-envelope');
    await vi.waitFor(() => expect(ran).toEqual(['fine']), { timeout: 30_000, interval: 100 });
  });

  it('skips retries for UnrecoverableError and fails an attempt past its timeout with status timeout', async () => {
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } });
    let slowCalls = 0;
    await q.startWorker({
      give_up: async () => {
        throw new UnrecoverableError('card declined');
      },
      too_slow: async (task) => {
        slowCalls++;
        await new Promise((resolve) => task.signal.addEventListener('abort', resolve));
      },
    });
    const statuses = await q.statuses();
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    await q.producer.enqueueMany([
      { id: 'declined', type: 'give_up', queue: q.name, payload: {} },
      { id: 'slow', type: 'too_slow', queue: q.name, payload: {}, timeoutMs: 300 },
    ]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(2), { timeout: 60_000, interval: 200 });
    const byId = new Map(dlq.records.map((r) => [r.headers['sy-task-id']!.toString(), decodeDeadLetter(r)!]));
    expect(byId.get('declined')).toMatchObject({ code: 'SY_UNRECOVERABLE', attempts: 1 });
    expect(byId.get('slow')).toMatchObject({ code: 'SY_TASK_TIMEOUT', attempts: 2 });
    expect(slowCalls).toBe(2);
    await vi.waitFor(() => expect(statuses.latest().get('slow')?.status).toBe('dead'), { timeout: 30_000, interval: 200 });
  });
});
