import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('key-ordered concurrency inside one partition', () => {
  it('runs different keys in parallel and one key strictly in order', async () => {
    const q = await setupQueue({ concurrency: 10 }, 1);
    let running = 0;
    let maxRunning = 0;
    const runningByKey = new Map<string, number>();
    let keyOverlap = false;
    const perKey = new Map<string, number[]>();
    const release: (() => void)[] = [];
    await q.startWorker({
      step: async (task) => {
        const key = task.orderingKey!;
        running++;
        maxRunning = Math.max(maxRunning, running);
        runningByKey.set(key, (runningByKey.get(key) ?? 0) + 1);
        if (runningByKey.get(key)! > 1) keyOverlap = true;
        perKey.set(key, [...(perKey.get(key) ?? []), (task.payload as { seq: number }).seq]);
        // Hold the first wave until 10 run at once: proves parallelism without timing.
        if (maxRunning < 10) await new Promise<void>((resolve) => release.push(resolve));
        else release.splice(0).forEach((r) => r());
        runningByKey.set(key, runningByKey.get(key)! - 1);
        running--;
      },
    });
    await q.producer.enqueueMany(
      Array.from({ length: 100 }, (_, i) => ({ task: { id: `t${i}`, type: 'step', queue: q.name, payload: { seq: Math.floor(i / 10) } }, options: { tenant: 'one-tenant', orderingKey: `key-${i % 10}` } })),
    );
    await vi.waitFor(() => expect([...perKey.values()].flat()).toHaveLength(100), { timeout: 60_000, interval: 100 });
    expect(maxRunning).toBe(10);
    expect(keyOverlap).toBe(false);
    for (const seqs of perKey.values()) expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
