import { describe, expect, it, vi } from 'vitest';
import { decodeTaskStatus, taskStatusTopic } from '@switchyard/kafka';
import { UnrecoverableError, type TaskStatus } from '@switchyard/protocol';
import { collectTopics } from '@switchyard/testing';
import { assertSequence, isTerminal } from '../lifecycle/task-status.machine.js';
import { setupQueue } from '../worker.test-support.js';

const retryPolicy = { maxRetries: 1, backoffStrategy: 'fixed' as const, initialDelayMs: 1_000, maxDelayMs: 1_000, backoffMultiplier: 1 };

/** What each task's status records must read, in order, with or without `processing` records. */
function expected(processing: boolean): Record<string, TaskStatus[]> {
  const p: TaskStatus[] = processing ? ['processing'] : [];
  return {
    ok: ['queued', ...p, 'completed'],
    flaky: ['queued', ...p, 'failed', 'queued', ...p, 'completed'],
    'slow-once': ['queued', ...p, 'timeout', 'queued', ...p, 'completed'],
    poison: ['queued', ...p, 'failed', 'queued', ...p, 'dead'],
    declined: ['queued', ...p, 'dead'],
  };
}

/**
 * Regression (issue 11): the status records of a task did not follow the lifecycle table: a retry
 * went `failed` -> `completed` without `queued`, and without `processing` records (the default)
 * `queued` was followed straight by an outcome the table did not allow.
 */
describe('status records follow the lifecycle table', () => {
  it.each([false, true])('every task reads queued, [processing,] outcome, and a retry is queued again (statusProcessing %s)', async (statusProcessing) => {
    const q = await setupQueue({ defaultRetryPolicy: retryPolicy }, 2);
    await q.startWorker(
      {
        ok: async () => undefined,
        flaky: async (task) => {
          if (task.attempt === 1) throw new Error('first attempt fails');
        },
        slow: async (task) => {
          if (task.attempt === 1) await new Promise((resolve) => task.signal.addEventListener('abort', resolve));
        },
        poison: async () => {
          throw new Error('always fails');
        },
        declined: async () => {
          throw new UnrecoverableError('card declined');
        },
      },
      { statusProcessing },
    );
    const status = await collectTopics(q.client, [taskStatusTopic(q.name)]);
    await q.producer.enqueueMany([
      { id: 'ok', type: 'ok', queue: q.name, payload: {} },
      { id: 'flaky', type: 'flaky', queue: q.name, payload: {} },
      { id: 'slow-once', type: 'slow', queue: q.name, payload: {}, timeoutMs: 300 },
      { id: 'poison', type: 'poison', queue: q.name, payload: {} },
      { id: 'declined', type: 'declined', queue: q.name, payload: {} },
    ]);
    // Records of one task share its key, hence one partition: the collector keeps their order.
    const sequences = () => {
      const byTask = new Map<string, TaskStatus[]>();
      for (const record of status.records) {
        const s = decodeTaskStatus(record);
        if (s) byTask.set(s.taskId, [...(byTask.get(s.taskId) ?? []), s.status]);
      }
      return Object.fromEntries(byTask);
    };
    const want = expected(statusProcessing);
    await vi.waitFor(() => expect(Object.keys(want).map((id) => isTerminal(sequences()[id]?.at(-1) ?? 'queued'))).toEqual(Object.keys(want).map(() => true)), { timeout: 60_000, interval: 100 });
    expect(sequences()).toEqual(want);
    for (const sequence of Object.values(sequences())) expect(() => assertSequence(sequence)).not.toThrow();
  });
});
