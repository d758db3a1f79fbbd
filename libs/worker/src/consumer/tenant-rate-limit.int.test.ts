import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('per-tenant rate limit', () => {
  it('holds a tenant at tenantRateLimit starts while other tenants, queued behind it, start', async () => {
    const q = await setupQueue({ concurrency: 4 }, 1);
    const starts: Record<string, string[]> = { 'tenant-a': [], 'tenant-b': [], 'tenant-c': [] };
    // 2 starts per minute: after its burst of 2, a tenant's next token is 30 s away, far beyond
    // this test. The refill arithmetic itself is covered by token-bucket.test.ts with a clock.
    const worker = await q.startWorker(
      { tenant_job: (task) => void starts[task.tenant!]!.push(task.id) },
      { queueOptions: { [q.name]: { tenantRateLimit: { max: 2, duration: 60_000 }, ordered: false } } },
    );
    await q.producer.enqueueMany([
      ...Array.from({ length: 8 }, (_, i) => ({ task: { id: `a${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-a' } })),
      ...Array.from({ length: 3 }, (_, i) => ({ task: { id: `b${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-b' } })),
    ]);
    await vi.waitFor(() => expect([starts['tenant-a']!.length, starts['tenant-b']!.length]).toEqual([2, 2]), { timeout: 30_000, interval: 50 });
    // C's task comes after every waiting task of A and B in the partition: once it has run, the
    // worker has taken all of them, and A and B are still at their limit, not behind each other.
    await q.producer.enqueue({ id: 'c0', type: 'tenant_job', queue: q.name, payload: {} }, { tenant: 'tenant-c' });
    await vi.waitFor(() => expect(starts['tenant-c']).toEqual(['c0']), { timeout: 30_000, interval: 50 });
    expect(starts).toEqual({ 'tenant-a': ['a0', 'a1'], 'tenant-b': ['b0', 'b1'], 'tenant-c': ['c0'] });
    // The held tasks wait in the worker (for their tenant's token), not in the broker.
    expect(worker.stats().queues?.[q.name]?.pending).toBe(7);
  });
});
