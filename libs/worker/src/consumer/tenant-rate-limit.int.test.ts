import { describe, expect, it, vi } from 'vitest';
import { bucketViolations, setupQueue } from '../worker.test-support.js';


describe('per-tenant rate limit', () => {
  it('limits each tenant to tenantRateLimit starts, without holding another tenant behind it', async () => {
    const q = await setupQueue({ concurrency: 4 }, 1);
    const starts = { 'tenant-a': [] as number[], 'tenant-b': [] as number[] };
    await q.startWorker(
      { tenant_job: (task) => void starts[task.tenant as keyof typeof starts].push(Date.now()) },
      { queueOptions: { [q.name]: { tenantRateLimit: { max: 2, duration: 1000 }, ordered: false } } },
    );
    await q.producer.enqueueMany([
      ...Array.from({ length: 8 }, (_, i) => ({ task: { id: `a${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-a' } })),
      ...Array.from({ length: 3 }, (_, i) => ({ task: { id: `b${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-b' } })),
    ]);
    await vi.waitFor(() => expect([starts['tenant-a'].length, starts['tenant-b'].length]).toEqual([8, 3]), { timeout: 30_000, interval: 100 });
    // Each tenant within its own limit: 8 tasks of A at 2 per second take >= 3 s.
    expect(bucketViolations(starts['tenant-a'], 2, 1000)).toEqual([]);
    expect(bucketViolations(starts['tenant-b'], 2, 1000)).toEqual([]);
    // B has its own bucket: its burst of 2 starts at once, not behind A's tasks waiting for A's
    // tokens (A's third start needs a refill, 500 ms after its burst).
    const bBurstDone = Math.max(starts['tenant-b'][0]!, starts['tenant-b'][1]!);
    expect(bBurstDone, `B's first two starts (${bBurstDone}) before A's third (${starts['tenant-a'][2]})`).toBeLessThan(starts['tenant-a'][2]!);
  });
});
