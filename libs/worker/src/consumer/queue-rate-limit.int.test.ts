import { describe, expect, it, vi } from 'vitest';
import { bucketViolations, setupQueue } from '../worker.test-support.js';


describe('queue rate limit', () => {
  it('starts no more tasks than the queue rateLimit allows, and runs all of them', async () => {
    const q = await setupQueue({ concurrency: 5, rateLimit: { max: 5, duration: 1000 } }, 1);
    const starts = new Map<string, number>();
    await q.startWorker({ limited_job: (task) => void starts.set(task.id, Date.now()) });
    await q.producer.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, type: 'limited_job', queue: q.name, payload: {} })));
    await vi.waitFor(() => expect(starts.size).toBe(20), { timeout: 30_000, interval: 100 });
    expect([...starts.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    // 20 tasks at 5 per second with a burst of 5: the last starts >= 3 s after the first.
    expect(bucketViolations([...starts.values()], 5, 1000)).toEqual([]);
  });
});
