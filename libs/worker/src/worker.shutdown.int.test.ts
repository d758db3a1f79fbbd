import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from './worker.test-support.js';

describe('graceful shutdown', () => {
  it('lets running tasks finish and commits them, so the next worker of the group does not run them again', async () => {
    const q = await setupQueue({ concurrency: 10 }, 1);
    const started = new Set<string>();
    const finished = new Set<string>();
    const first = await q.startWorker({
      sleepy: async (task) => {
        started.add(task.id);
        await sleep(500);
        finished.add(task.id);
      },
    });
    const statuses = await q.statuses();
    const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
    await q.producer.enqueueMany(ids.map((id) => ({ id, type: 'sleepy', queue: q.name, payload: {} })));
    await vi.waitFor(() => expect(started.size).toBe(10), { timeout: 30_000, interval: 20 });

    await first.close();
    expect([...finished].sort()).toEqual([...ids].sort());
    expect(first.state).toBe('stopped');
    await vi.waitFor(() => expect(ids.map((id) => statuses.latest().get(id)?.status)).toEqual(ids.map(() => 'completed')), { timeout: 30_000, interval: 100 });

    // Same worker name = same group: it resumes from the committed offsets. The sentinel sits
    // behind the ten tasks in the single partition, so any redelivered task would run first.
    const ranInSecond: string[] = [];
    await q.startWorker({ sleepy: (task) => void ranInSecond.push(task.id) });
    await q.producer.enqueue({ id: 'sentinel', type: 'sleepy', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(ranInSecond).toContain('sentinel'), { timeout: 30_000, interval: 100 });
    expect(ranInSecond).toEqual(['sentinel']);
  });
});
