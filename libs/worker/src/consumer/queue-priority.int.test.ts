import { describe, expect, it, vi } from 'vitest';
import type { Worker } from '../worker.js';
import { setupQueue } from '../worker.test-support.js';

const N = 30;

describe('QueueConfig.priority across the queues of one worker, on a real broker', () => {
  it('gives the priority-0 queue two of every three starts and the priority-1 queue the third while both have work', async () => {
    // lo first: cleanups run last-in first-out, so the worker (started by hi, reading both queues)
    // closes before lo's topics are deleted under it.
    const lo = await setupQueue({ priority: 1 }, 1);
    const hi = await setupQueue({ priority: 0 }, 1);
    await Promise.all([
      hi.producer.enqueueMany(Array.from({ length: N }, (_, i) => ({ id: `hi-${i}`, type: 'job', queue: hi.name, payload: {} }))),
      lo.producer.enqueueMany(Array.from({ length: N }, (_, i) => ({ id: `lo-${i}`, type: 'job', queue: lo.name, payload: {} }))),
    ]);
    const order: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // maxUncommitted 1: one start at a time across the worker, so every start is a turn between
    // the two queues. The first task holds it until both queues have their backlog buffered, so
    // what runs next is the queue order alone, not the order in which fetches happened to land.
    const worker: Worker = await hi.startWorker(
      {
        job: async (task) => {
          order.push(task.id);
          if (order.length === 1) await released;
        },
      },
      { maxUncommitted: 1, config: { queues: [hi.name, lo.name], queueConfigs: [hi.config, lo.config] } },
    );
    const pending = () => {
      const queues = worker.stats().queues ?? {};
      return (queues[hi.name]?.pending ?? 0) + (queues[lo.name]?.pending ?? 0);
    };
    await vi.waitFor(() => expect([order.length, pending()]).toEqual([1, 2 * N - 1]), { timeout: 30_000, interval: 50 });
    release();
    await vi.waitFor(() => expect(order).toHaveLength(2 * N), { timeout: 60_000, interval: 100 });
    await worker.close();

    const queueOf = (id: string) => id.split('-')[0]!;
    const lastHi = order.findLastIndex((id) => queueOf(id) === 'hi');
    // After the held first start and until the priority-0 queue runs dry: exactly one lo start in
    // every three consecutive starts (weights 1 and 1/2, interleaved, never starved).
    const both = order.slice(1, lastHi + 1).map(queueOf);
    for (let i = 0; i + 3 <= both.length; i++) expect(both.slice(i, i + 3).filter((q) => q === 'lo'), `starts ${i + 1}..${i + 3}: ${both.slice(i, i + 3).join(' ')}`).toHaveLength(1);
    const loWhileBoth = order.slice(0, lastHi + 1).filter((id) => queueOf(id) === 'lo').length;
    expect(loWhileBoth).toBeGreaterThanOrEqual(N / 2 - 1);
    expect(loWhileBoth).toBeLessThanOrEqual(N / 2 + 1);
    // Then the priority-1 queue has the worker to itself; each queue ran its tasks in order, once.
    expect(order.slice(lastHi + 1).every((id) => queueOf(id) === 'lo')).toBe(true);
    expect(order.filter((id) => queueOf(id) === 'hi')).toEqual(Array.from({ length: N }, (_, i) => `hi-${i}`));
    expect(order.filter((id) => queueOf(id) === 'lo')).toEqual(Array.from({ length: N }, (_, i) => `lo-${i}`));
  });
});
