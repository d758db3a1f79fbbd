import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { workerGroup } from '@switchyard/kafka';
import type { Worker } from './worker.js';
import { setupQueue } from './worker.test-support.js';

/**
 * Regression (issue 11): scaling out during a backlog stalled a worker. Partitions paused for
 * back-pressure (a full lane buffer) stayed paused in the client across a rebalance while the
 * worker forgot it had paused them, so it never resumed them: the worker that kept them processed
 * nothing more. Here the lane buffers are tiny, so every worker pauses partitions all the time.
 * Without the fix (RoomPauses.clear resuming what it paused) this fails on kafkajs (the first
 * worker stops once the third joins); the platformatic fetch loop happened not to show it here.
 */
describe('scaling out during a backlog', () => {
  it('a second and a third worker join and the first leaves: every worker keeps processing, every task completes', async () => {
    const q = await setupQueue({ concurrency: 5 }, 6);
    const group = workerGroup(`w-${q.name}`);
    const ran = new Map<string, number>();
    const by = { a: 0, b: 0, c: 0 };
    const handlers = (who: keyof typeof by) => ({
      work: async (task: { id: string }) => {
        ran.set(task.id, (ran.get(task.id) ?? 0) + 1);
        by[who]++;
        await sleep(50);
      },
    });
    const members = (n: number) =>
      vi.waitFor(
        async () => {
          const g = await q.admin.describeGroup(group);
          expect({ state: g.state, members: g.members.length }).toEqual({ state: 'Stable', members: n });
        },
        { timeout: 60_000, interval: 100 },
      );
    /** Each of `who` processes `more` tasks beyond what it had processed when called. */
    const keepsProcessing = async (who: readonly (keyof typeof by)[], more: number) => {
      const from = { ...by };
      await vi.waitFor(() => expect(who.map((w) => by[w] - from[w] >= more)).toEqual(who.map(() => true)), { timeout: 60_000, interval: 50 });
    };
    const ids = Array.from({ length: 4_000 }, (_, i) => `t${i}`);
    // 600 tenants (the tenant is the Kafka key): the backlog covers all six partitions about evenly,
    // and lasts (50 ms tasks, 5 at once per worker) past the last rebalance on every partition.
    for (let i = 0; i < ids.length; i += 500) {
      await q.producer.enqueueMany(ids.slice(i, i + 500).map((id, j) => ({ task: { id, type: 'work', queue: q.name, payload: {} }, options: { tenant: `tenant-${(i + j) % 600}` } })));
    }
    const options = { maxUncommitted: 20, queueOptions: { [q.name]: { laneBufferSize: 10 } } };
    const a: Worker = await q.startWorker(handlers('a'), options);
    await members(1);
    await keepsProcessing(['a'], 50);

    await q.startWorker(handlers('b'), options);
    await members(2);
    await keepsProcessing(['a', 'b'], 50);

    await q.startWorker(handlers('c'), options);
    await members(3);
    await keepsProcessing(['a', 'b', 'c'], 50);

    await a.close();
    await members(2);
    await keepsProcessing(['b', 'c'], 50);
    await vi.waitFor(() => expect(ran.size).toBe(ids.length), { timeout: 120_000, interval: 200 });
    // A rebalance reruns what a member had run but not committed on a partition that moved away
    // (dropped unwritten; the new owner runs it again); buffered tasks never ran. The committer
    // keeps running + uncommitted attempts under maxUncommitted (20 here) per member. Members that
    // can lose partitions: a when b joins; a and b when c joins; b and c when a leaves (the range
    // assignment of 6 partitions over 3, then 2, members moves some): at most 5 x 20 = 100 reruns.
    const reruns = [...ran.values()].filter((n) => n > 1);
    expect(reruns.length).toBeLessThanOrEqual(100);
  });
});
