import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('queue rate limit', () => {
  it('starts no more tasks than the queue rateLimit allows, and runs all of them', async () => {
    const q = await setupQueue({ concurrency: 5, rateLimit: { max: 5, duration: 1000 } }, 1);
    const starts = new Map<string, number>();
    await q.startWorker({ limited_job: (task) => void starts.set(task.id, performance.now()) });
    // The bucket is full (5) before anything is enqueued and refills one token per 200 ms, so the
    // k-th start (k > 5) cannot come earlier than (k - 5) x 200 ms after this instant. A start
    // recorded late only moves further from that bound, so the check cannot be failed by load.
    const enqueuedAt = performance.now();
    await q.producer.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ id: `t${i}`, type: 'limited_job', queue: q.name, payload: {} })));
    await vi.waitFor(() => expect(starts.size).toBe(20), { timeout: 30_000, interval: 100 });
    expect([...starts.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    const early = [...starts.values()]
      .sort((a, b) => a - b)
      .map((at, i) => ({ k: i + 1, afterMs: at - enqueuedAt, earliestMs: Math.max(0, i + 1 - 5) * 200 }))
      .filter(({ afterMs, earliestMs }) => afterMs < earliestMs);
    expect(early).toEqual([]);
  });
});
