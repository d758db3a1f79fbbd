import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

/**
 * What a token bucket of `max` per `durationMs` promises: a full bucket holds `max` tokens and
 * refills continuously, so between any two starts t_i <= t_j at most
 * `max + (t_j - t_i) * max / durationMs` starts happen. `slackMs` covers the gap between taking
 * a token and the handler recording Date.now(). Returns the pairs that break the promise.
 */
function bucketViolations(starts: readonly number[], max: number, durationMs: number, slackMs = 50): string[] {
  const sorted = [...starts].sort((a, b) => a - b);
  const violations: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const span = sorted[j]! - sorted[i]!;
      const allowed = max + ((span + slackMs) * max) / durationMs;
      if (j - i + 1 > allowed) violations.push(`${j - i + 1} starts within ${span} ms (allowed ${allowed.toFixed(2)})`);
    }
  }
  return violations;
}

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
