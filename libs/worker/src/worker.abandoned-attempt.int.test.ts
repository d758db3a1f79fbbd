import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, taskDlqTopic } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

const TIMEOUT_MS = 1_000;

describe('a handler that ignores its AbortSignal', () => {
  it('times out, and the next attempt of the same task waits until it really settled: never two attempts of one task at once', async () => {
    // Regression (issue 11): the attempt was abandoned at its timeout, the retry came back through
    // the 1 s delay tier and ran while the first one (3x its timeout) still did.
    const q = await setupQueue({ concurrency: 10, defaultRetryPolicy: { maxRetries: 2, backoffStrategy: 'fixed', initialDelayMs: 100, maxDelayMs: 1000, backoffMultiplier: 1 } });
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    const attempts: string[] = [];
    await q.startWorker(
      {
        stubborn: async (task) => {
          attempts.push(`${task.id}#${task.attempt}`);
          running.set(task.id, (running.get(task.id) ?? 0) + 1);
          most.set(task.id, Math.max(most.get(task.id) ?? 0, running.get(task.id)!));
          await sleep(3 * TIMEOUT_MS); // ignores task.signal
          running.set(task.id, running.get(task.id)! - 1);
        },
      },
      { config: { defaultTimeoutMs: TIMEOUT_MS } },
    );
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    const ids = ['s0', 's1', 's2', 's3'];
    await q.producer.enqueueMany(ids.map((id, i) => ({ task: { id, type: 'stubborn', queue: q.name, payload: {} }, options: { tenant: `tenant-${i}` } })));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(ids.length), { timeout: 90_000, interval: 200 });
    expect(dlq.records.map((r) => decodeDeadLetter(r)!).map((d) => ({ code: d.code, attempts: d.attempts }))).toEqual(ids.map(() => ({ code: 'SY_TASK_TIMEOUT', attempts: 3 })));
    expect(Object.fromEntries(most)).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
    expect(attempts.toSorted()).toEqual(ids.flatMap((id) => [1, 2, 3].map((n) => `${id}#${n}`)));
  });
});
