import { describe, expect, it, vi } from 'vitest';
import { planQueueTopology } from '@switchyard/kafka';
import { setupQueue } from './worker.test-support.js';

const SHUTDOWN_TIMEOUT_MS = 1_000;
const LEAVE_TIMEOUT_MS = 2_000;

describe('a queue whose topics are deleted under a running worker', () => {
  it('close() still returns: within shutdownTimeoutMs + 2 x leaveTimeoutMs', async () => {
    // Regression (issue 11, found by CI): with the lane, retry and cancel topics gone, committing,
    // leaving the group and the cancel watch's fetch loop retried UNKNOWN_TOPIC_OR_PARTITION, and
    // close() did not return (locally it took 14 to 37 s, in CI it hung).
    const q = await setupQueue({}, 2);
    const ran: string[] = [];
    const worker = await q.startWorker({ noop: (task) => void ran.push(task.id) }, { config: { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS }, leaveTimeoutMs: LEAVE_TIMEOUT_MS });
    await q.producer.enqueue({ id: 'before', type: 'noop', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(ran).toEqual(['before']), { timeout: 30_000, interval: 50 });
    const topics = planQueueTopology(q.config, { partitions: 2 }).map((s) => s.topic);
    await q.admin.deleteTopics(topics);
    await vi.waitFor(async () => expect((await q.admin.listTopics()).filter((t) => topics.includes(t))).toEqual([]), { timeout: 30_000, interval: 200 });

    // No task runs, so the wait for running tasks ends at once; then two steps of at most
    // leaveTimeoutMs each (commit, then leave + disconnect + the cancel watch). shutdownTimeoutMs
    // is the room left for the timers and the event loop.
    const bound = SHUTDOWN_TIMEOUT_MS + 2 * LEAVE_TIMEOUT_MS;
    const started = Date.now();
    const outcome = await Promise.race([worker.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still closing'), bound).unref())]);
    expect({ outcome, state: worker.state }).toEqual({ outcome: 'closed', state: 'stopped' });
    expect(Date.now() - started).toBeLessThanOrEqual(bound);
  });
});
