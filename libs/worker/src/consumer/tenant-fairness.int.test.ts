import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('per-tenant fairness on a shared partition', () => {
  it('lets a second tenant finish while the first is at its tenantConcurrency cap, never running more than the cap', async () => {
    const q = await setupQueue({ concurrency: 4 }, 1);
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
    let aRunning = 0;
    let aMaxRunning = 0;
    const aDone: string[] = [];
    const bDone: string[] = [];
    try {
      await q.startWorker(
        {
          tenant_job: async (task) => {
            if (task.tenant === 'tenant-b') {
              bDone.push(task.id);
              return;
            }
            aRunning++;
            aMaxRunning = Math.max(aMaxRunning, aRunning);
            // Tenant A's tasks hold their slot until tenant B is through: B must not wait for A.
            await aMayFinish;
            aRunning--;
            aDone.push(task.id);
          },
        },
        { queueOptions: { [q.name]: { tenantConcurrency: 1, ordered: false } } },
      );
      await q.producer.enqueueMany([
        ...Array.from({ length: 20 }, (_, i) => ({ task: { id: `a${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-a' } })),
        ...Array.from({ length: 5 }, (_, i) => ({ task: { id: `b${i}`, type: 'tenant_job', queue: q.name, payload: {} }, options: { tenant: 'tenant-b' } })),
      ]);
      await vi.waitFor(() => expect([...bDone].sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']), { timeout: 10_000, interval: 100 });
      expect(aDone).toEqual([]);
      expect(aMaxRunning).toBe(1);
      releaseA();
      await vi.waitFor(() => expect(aDone).toHaveLength(20), { timeout: 20_000, interval: 100 });
      expect(aMaxRunning).toBe(1);
    } finally {
      releaseA();
    }
  });
});
