import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLogger, METRICS } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';
import { setupScheduler } from '../scheduler.test-support.js';

describe('job log (real broker, real worker)', () => {
  it('shows success, failure after the retry policy, timeout and batch progress of fired tasks', async () => {
    const s = await setupScheduler(1);
    const runs = new Map<string, number>();
    const worker = createWorker(
      s.client,
      { config: { name: `w-${s.queue}`, queues: [s.queue], queueConfigs: [{ name: s.queue, concurrency: 4 }] }, commitIntervalMs: 50 },
      {
        ok_task: async () => ({ ok: true }),
        fail_task: async (task) => {
          runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
          throw new Error('boom');
        },
        slow_task: (task) => new Promise((_, reject) => task.signal.addEventListener('abort', () => reject(task.signal.reason))),
        rows_task: async () => undefined,
      },
      { log: createLogger('job-log-worker', { level: 'error' }) },
    );
    await worker.start();
    onTestFinished(() => worker.close());
    const scheduler = await s.startScheduler({ followQueues: [s.queue] });

    // Far enough ahead that all four jobs exist before it (each create reads the jobs topic).
    const at = new Date(Date.now() + 8_000).toISOString();
    const target = { kind: 'task', queue: s.queue } as const;
    await s.store.create({ id: 'ok', name: 'ok', handler: 'ok_task', schedule: { type: 'once', at }, target });
    await s.store.create({ id: 'fail', name: 'fail', handler: 'fail_task', retryPolicy: { maxRetries: 1, backoffMs: 1_000 }, schedule: { type: 'once', at }, target });
    await s.store.create({ id: 'slow', name: 'slow', handler: 'slow_task', timeout: 300, retryPolicy: { maxRetries: 0 }, schedule: { type: 'once', at }, target });
    await s.store.create({ id: 'rows', name: 'rows', handler: 'rows_task', schedule: { type: 'once', at }, target: { ...target, batch: { items: [1, 2, 3, 4, 5, 6], batchSize: 2, parallel: false } } });

    await vi.waitFor(
      async () => {
        const [ok, fail, slow, rows] = await Promise.all(['ok', 'fail', 'slow', 'rows'].map((id) => s.store.log(id)));
        expect(ok).toEqual([expect.objectContaining({ jobId: 'ok', status: 'success', tick: new Date(at).toISOString(), trigger: 'schedule', queue: s.queue })]);
        expect(fail).toEqual([expect.objectContaining({ jobId: 'fail', status: 'failed', error: expect.stringContaining('boom') })]);
        expect(slow).toEqual([expect.objectContaining({ jobId: 'slow', status: 'timeout', error: expect.stringContaining('SY_TASK_TIMEOUT') })]);
        expect(rows).toEqual([expect.objectContaining({ jobId: 'rows', status: 'success', progress: expect.objectContaining({ total: 6, processed: 6, status: 'completed' }) })]);
        for (const entry of [...ok!, ...fail!, ...slow!]) {
          expect(entry.completedAt).toBeDefined();
          expect(entry.duration).toBeGreaterThanOrEqual(0);
        }
      },
      { timeout: 60_000, interval: 1_000 },
    );
    expect([...runs.values()]).toEqual([2]); // the job's retryPolicy reached the task: 1 retry
    // The follower (followQueues) counted the failures per job.
    await vi.waitFor(async () => {
      const failures = await scheduler.metrics.registry.getSingleMetricAsString(METRICS.schedulerJobFailures);
      expect(failures).toMatch(/job="fail",status="failed"} 1/);
      expect(failures).toMatch(/job="slow",status="timeout"} 1/);
    }, { timeout: 30_000, interval: 200 });
  });

  it('shows outcomes from the status topic also when no scheduler follows the queue', async () => {
    const s = await setupScheduler(1);
    const worker = createWorker(s.client, { config: { name: `w-${s.queue}`, queues: [s.queue] }, commitIntervalMs: 50 }, { ok_task: async () => undefined }, { log: createLogger('job-log-worker', { level: 'error' }) });
    await worker.start();
    onTestFinished(() => worker.close());
    await s.startScheduler();
    await s.store.create({ id: 'ok', name: 'ok', handler: 'ok_task', schedule: { type: 'interval', intervalMs: 1_000 }, target: { kind: 'task', queue: s.queue } });
    await vi.waitFor(async () => expect((await s.store.log('ok')).filter((e) => e.status === 'success').length).toBeGreaterThanOrEqual(2), { timeout: 60_000, interval: 1_000 });
    const receipt = await s.store.runNow('ok');
    await vi.waitFor(async () => expect((await s.store.log('ok')).find((e) => e.executionId === receipt.executionId)).toMatchObject({ trigger: 'manual', status: 'success' }), { timeout: 60_000, interval: 1_000 });
  });
});
