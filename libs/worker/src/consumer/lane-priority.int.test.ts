import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('priority lanes on a real broker', () => {
  it('runs critical work before a background backlog, while the starvation guard still moves background', async () => {
    const q = await setupQueue({ concurrency: 1 }, 1);
    await q.producer.enqueueMany(Array.from({ length: 40 }, (_, i) => ({ id: `bg-${i}`, type: 'job', queue: q.name, priority: 'background' as const, payload: {} })));
    await q.producer.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ id: `crit-${i}`, type: 'job', queue: q.name, priority: 'critical' as const, payload: {} })));
    const order: string[] = [];
    await q.startWorker({ job: async (task) => void order.push(task.id) }, { queueOptions: { [q.name]: { minLowerLaneShare: 0.25, laneBufferSize: 20 } } });
    await vi.waitFor(() => expect(order).toHaveLength(50), { timeout: 60_000, interval: 100 });
    const lastCritical = Math.max(...order.map((id, i) => (id.startsWith('crit') ? i : -1)));
    // All 10 critical tasks ran within the first 10 + (guard share) picks, not after 40 background ones.
    expect(lastCritical).toBeLessThan(16);
    // The guard: background made progress while critical work was waiting (at least one bg pick in between).
    expect(order.slice(0, lastCritical).some((id) => id.startsWith('bg'))).toBe(true);
    // Order inside a lane is kept.
    expect(order.filter((id) => id.startsWith('crit'))).toEqual(Array.from({ length: 10 }, (_, i) => `crit-${i}`));
  });
});
