import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, taskDlqTopic } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from '../worker.test-support.js';

describe('retry policy of a task', () => {
  it("overrides the queue's default retry policy", async () => {
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 0, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } }, 1);
    const attempts: string[] = [];
    await q.startWorker({
      always_fails: (task) => {
        attempts.push(`${task.id}#${task.attempt}`);
        throw new Error(`fails on attempt ${task.attempt}`);
      },
    });
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    await q.producer.enqueueMany([
      { id: 'own-policy', type: 'always_fails', queue: q.name, payload: {}, retryPolicy: { maxRetries: 2, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } },
      { id: 'queue-default', type: 'always_fails', queue: q.name, payload: {} },
    ]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(2), { timeout: 30_000, interval: 100 });
    const dead = new Map(dlq.records.map((r) => [r.headers['sy-task-id']!.toString(), decodeDeadLetter(r)!]));
    expect(dead.get('own-policy')).toMatchObject({ attempts: 3, error: { message: 'fails on attempt 3' } });
    expect(dead.get('queue-default')).toMatchObject({ attempts: 1, error: { message: 'fails on attempt 1' } });
    expect(attempts.filter((a) => a.startsWith('own-policy'))).toEqual(['own-policy#1', 'own-policy#2', 'own-policy#3']);
    expect(attempts.filter((a) => a.startsWith('queue-default'))).toEqual(['queue-default#1']);
  });
});
