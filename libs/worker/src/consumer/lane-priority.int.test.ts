import { describe, expect, it, vi } from 'vitest';
import type { Worker } from '../worker.js';
import { setupQueue } from '../worker.test-support.js';

describe('priority lanes on a real broker', () => {
  it('runs critical work before a background backlog, while the starvation guard still moves background', async () => {
    const q = await setupQueue({ concurrency: 1 }, 1);
    await q.producer.enqueueMany(Array.from({ length: 40 }, (_, i) => ({ id: `bg-${i}`, type: 'job', queue: q.name, priority: 'background' as const, payload: {} })));
    const order: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The first task holds the only slot until the test has both lanes buffered, so what runs
    // next is the dispatcher's choice alone, not the order in which fetches happened to land.
    const worker: Worker = await q.startWorker(
      { job: async (task) => {
        order.push(task.id);
        if (order.length === 1) await released;
      } },
      { queueOptions: { [q.name]: { minLowerLaneShare: 0.25, laneBufferSize: 50 } } },
    );
    const waiting = () => worker.stats().queues?.[q.name]?.pending;
    await vi.waitFor(() => expect([order, waiting()]).toEqual([['bg-0'], 39]), { timeout: 30_000, interval: 50 });
    await q.producer.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ id: `crit-${i}`, type: 'job', queue: q.name, priority: 'critical' as const, payload: {} })));
    await vi.waitFor(() => expect(waiting()).toBe(49), { timeout: 30_000, interval: 50 });
    release();
    await vi.waitFor(() => expect(order).toHaveLength(50), { timeout: 60_000, interval: 100 });
    // The executor takes no more tasks than it has slots, so everything after bg-0 waited in the
    // lane buffers: critical first, and every 4th pick (minLowerLaneShare 0.25) goes to the
    // waiting background lane. (Before 2026-12-07 bg-1 slipped into the executor while bg-0 ran:
    // the executor counted a task as running only a microtask after taking it.)
    expect(order.slice(0, 15)).toEqual(['bg-0', 'crit-0', 'crit-1', 'crit-2', 'bg-1', 'crit-3', 'crit-4', 'crit-5', 'bg-2', 'crit-6', 'crit-7', 'crit-8', 'bg-3', 'crit-9', 'bg-4']);
    expect(order.slice(15)).toEqual(Array.from({ length: 35 }, (_, i) => `bg-${i + 5}`));
  });
});
