import { describe, expect, it, vi } from 'vitest';
import { UnrecoverableError } from '@switchyard/protocol';
import { setupQueue } from '../worker.test-support.js';

describe('worker metrics and stats', () => {
  it('counts outcomes and durations per queue, lane and type, and reports them in stats()', async () => {
    const q = await setupQueue({ concurrency: 8 });
    const worker = await q.startWorker({
      metered_job: (task) => {
        if ((task.payload as { fail: boolean }).fail) throw new UnrecoverableError('declined');
      },
    });
    await q.producer.enqueueMany(Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, type: 'metered_job', queue: q.name, payload: { fail: i % 6 === 5 } })));
    await vi.waitFor(() => expect(worker.stats().totalProcessed).toBe(30), { timeout: 30_000, interval: 100 });

    const text = await worker.metrics.registry.metrics();
    const labels = `queue="${q.name}",lane="normal",type="metered_job"`;
    expect(text).toContain(`switchyard_tasks_processed_total{${labels},outcome="succeeded"} 25\n`);
    expect(text).toContain(`switchyard_tasks_processed_total{${labels},outcome="dead"} 5\n`);
    expect(text).toContain(`switchyard_task_duration_seconds_count{${labels}} 30\n`);
    expect(worker.stats()).toMatchObject({ workerName: `w-${q.name}`, totalProcessed: 30, succeeded: 25, failed: 5, active: 0 });
    // The per-queue entry of the protocol's WorkerStats counts the same outcomes.
    expect(worker.stats().queues?.[q.name]).toEqual({ pending: 0, active: 0, completed: 25, failed: 5 });
  });
});
