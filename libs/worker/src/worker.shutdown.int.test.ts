import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { workerGroup } from '@switchyard/kafka';
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

  it('rolling restart: a worker closed while its tasks run finishes and commits them before it leaves the group, so none runs twice', async () => {
    // Regression (issue 11): close() left the group first, so the other worker of the group got the
    // partitions and ran again every task the closing worker still had running. The handler outlasts
    // the other member's rejoin (within its 3 s heartbeat interval): with shorter tasks the old order
    // could still commit before the partitions moved, and the test could not tell.
    const q = await setupQueue({ concurrency: 20 }, 6);
    const runs = new Map<string, string[]>();
    const running = { a: new Set<string>(), b: new Set<string>() };
    const handlers = (who: 'a' | 'b') => ({
      slow: async (task: { id: string }) => {
        runs.set(task.id, [...(runs.get(task.id) ?? []), who]);
        running[who].add(task.id);
        await sleep(6_000);
        running[who].delete(task.id);
      },
    });
    const a = await q.startWorker(handlers('a'));
    await q.startWorker(handlers('b'));
    // Both members hold partitions before any task exists, so no rebalance moves work mid-run but the close.
    await vi.waitFor(
      async () => {
        const group = await q.admin.describeGroup(workerGroup(`w-${q.name}`));
        expect({ state: group.state, members: group.members.length }).toEqual({ state: 'Stable', members: 2 });
      },
      { timeout: 30_000, interval: 100 },
    );
    const statuses = await q.statuses();
    const ids = Array.from({ length: 24 }, (_, i) => `t${i}`);
    // A tenant per task: the tenant is the Kafka key, so the tasks spread over the six partitions (and both workers).
    await q.producer.enqueueMany(ids.map((id) => ({ task: { id, type: 'slow', queue: q.name, payload: {} }, options: { tenant: id } })));
    await vi.waitFor(() => expect({ a: running.a.size >= 3, b: running.b.size >= 3 }).toEqual({ a: true, b: true }), { timeout: 30_000, interval: 10 });
    const runningInA = [...running.a];

    await a.close();
    expect(running.a.size).toBe(0);
    await vi.waitFor(() => expect(ids.filter((id) => statuses.latest().get(id)?.status !== 'completed')).toEqual([]), { timeout: 60_000, interval: 100 });
    expect([...runs].filter(([, by]) => by.length > 1)).toEqual([]);
    expect(runningInA.map((id) => runs.get(id))).toEqual(runningInA.map(() => ['a']));
    expect([...runs.keys()].sort()).toEqual([...ids].sort());
  });
});
