import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, taskDlqTopic } from '@switchyard/kafka';
import { ERROR_INFO_LIMITS, TRUNCATED_MARK } from '@switchyard/pipeline';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

describe('a huge error message', () => {
  it('does not wedge the worker: the task is retried and dead-lettered with the message cut to the bound, and a later task on the same partition completes', async () => {
    // Regression (issue 11): a handler throwing a 2 MB message made its retry, status and DLQ records
    // larger than the broker's max.message.bytes (1 MiB by default), so the transaction carrying them
    // failed again and again, and nothing after it on the partition was ever committed.
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 100, maxDelayMs: 1000, backoffMultiplier: 2 } }, 1);
    const huge = `huge failure ${'x'.repeat(2 * 1024 * 1024)}`;
    await q.startWorker({
      loud: () => {
        throw new Error(huge);
      },
      quiet: () => undefined,
    });
    const statuses = await q.statuses();
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    await q.producer.enqueue({ id: 'loud-1', type: 'loud', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 60_000, interval: 100 });
    const dead = decodeDeadLetter(dlq.records[0]!)!;
    expect(dead).toMatchObject({ attempts: 2, code: 'SY_TASK_FAILED' });
    expect(dead.error.message).toHaveLength(ERROR_INFO_LIMITS.messageChars);
    expect(dead.error.message.startsWith('huge failure xxx')).toBe(true);
    expect(dead.error.message.endsWith(`${TRUNCATED_MARK}${huge.length} characters]`)).toBe(true);
    await vi.waitFor(() => expect(statuses.latest().get('loud-1')?.status).toBe('dead'), { timeout: 30_000, interval: 100 });
    expect(statuses.latest().get('loud-1')?.result?.error?.message).toHaveLength(ERROR_INFO_LIMITS.messageChars);

    // One partition: the partition keeps flowing past the loud task.
    await q.producer.enqueue({ id: 'quiet-1', type: 'quiet', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(statuses.latest().get('quiet-1')?.status).toBe('completed'), { timeout: 30_000, interval: 100 });
  });
});
