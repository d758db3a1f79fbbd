import { describe, expect, it, vi } from 'vitest';
import { taskDlqTopic } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from '../worker.test-support.js';

describe('ordered retries with several workers in one group', () => {
  it('keeps each key in order across two workers: a key’s lane and delay-tier partitions live in one process', async () => {
    const q = await setupQueue({ concurrency: 4, defaultRetryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } }, 4);
    const order: string[] = [];
    const handlers = {
      ordered_step: async (task: { id: string; attempt: number }) => {
        order.push(`${task.id}#${task.attempt}`);
        if (task.id.startsWith('poison')) throw new Error('always fails');
      },
    };
    await q.startWorker(handlers);
    await q.startWorker(handlers);
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    const tenants = ['t-a', 't-b', 't-c', 't-d', 't-e', 't-f'];
    await q.producer.enqueueMany(
      tenants.flatMap((tenant) => [
        { task: { id: `poison-${tenant}`, type: 'ordered_step', queue: q.name, payload: {} }, options: { tenant } },
        { task: { id: `after-${tenant}`, type: 'ordered_step', queue: q.name, payload: {} }, options: { tenant } },
      ]),
    );
    await vi.waitFor(() => expect(dlq.records).toHaveLength(tenants.length), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(order.filter((e) => e.startsWith('after-'))).toHaveLength(tenants.length), { timeout: 60_000, interval: 200 });
    for (const tenant of tenants) {
      // The later task of each key ran only after that key's poison task exhausted its retries.
      expect(order.indexOf(`after-${tenant}#1`), tenant).toBeGreaterThan(order.indexOf(`poison-${tenant}#2`));
    }
    // Every task ran exactly as often as it should: 2 attempts per poison task, 1 per later task.
    expect(order.filter((e) => e.startsWith('poison-'))).toHaveLength(tenants.length * 2);
    expect(new Set(order).size).toBe(order.length);
  });
});
