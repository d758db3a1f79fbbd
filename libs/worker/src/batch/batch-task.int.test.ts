import { describe, expect, it, vi } from 'vitest';
import type { BatchProgress } from '@switchyard/protocol';
import { setupQueue } from '../worker.test-support.js';
import { createWorker } from '../worker.js';
import { readTaskStatus } from '../status/task-status-reader.js';

describe('batch tasks on a real broker', () => {
  it('runs a BatchTask in chunks, reports BatchProgress to onBatchProgress and the status topic', async () => {
    const q = await setupQueue({ concurrency: 2 });
    const chunks: number[][] = [];
    const progress: BatchProgress[] = [];
    const worker = createWorker(
      q.client,
      { config: { name: `w-${q.name}`, queues: [q.name], queueConfigs: [{ name: q.name, concurrency: 2 }] }, commitIntervalMs: 50 },
      {
        import_rows: async (task) => {
          chunks.push([...(task.payload as number[])]);
          expect(task.batch).toMatchObject({ batchId: 'import-1', chunks: 4 });
        },
      },
      { onBatchProgress: (p) => void progress.push(p) },
    );
    await worker.start();
    try {
      await expect(q.producer.enqueueBatch({ id: 'bad', type: 'import_rows', queue: q.name, items: [], onProgress: () => undefined })).rejects.toMatchObject({ code: 'SY_INVALID_TASK' });
      await q.producer.enqueueBatch({ id: 'import-1', type: 'import_rows', queue: q.name, items: Array.from({ length: 10 }, (_, i) => i), batchSize: 3, parallel: false });
      await vi.waitFor(() => expect(progress.at(-1)?.status).toBe('completed'), { timeout: 30_000, interval: 100 });
      expect(chunks).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
      expect(progress.map((p) => p.processed)).toEqual([3, 6, 9, 10, 10]);
      await vi.waitFor(async () => expect(await readTaskStatus(q.client, q.name, 'import-1')).toMatchObject({ status: 'completed', result: { result: { total: 10, succeeded: 10, status: 'completed' } } }), {
        timeout: 30_000,
        interval: 500,
      });
    } finally {
      await worker.close();
    }
  });

  it('with stopOnError fails the whole batch task (and retries it by policy), without it records failed items', async () => {
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 0, backoffStrategy: 'fixed', initialDelayMs: 1000, maxDelayMs: 60000, backoffMultiplier: 2 } });
    await q.startWorker({
      check_rows: async (task) => {
        if ((task.payload as number[]).includes(4)) throw new Error('row 4 is bad');
      },
    });
    const statuses = await q.statuses();
    await q.producer.enqueueBatch({ id: 'strict', type: 'check_rows', queue: q.name, items: [1, 2, 3, 4, 5, 6], batchSize: 2, stopOnError: true, parallel: false });
    await q.producer.enqueueBatch({ id: 'lenient', type: 'check_rows', queue: q.name, items: [1, 2, 3, 4, 5, 6], batchSize: 2, stopOnError: false });
    await vi.waitFor(
      () => {
        const latest = statuses.latest();
        expect(latest.get('strict')?.status).toBe('dead');
        expect(latest.get('lenient')?.status).toBe('completed');
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(statuses.latest().get('lenient')?.result?.result).toMatchObject({ total: 6, succeeded: 4, failed: 2, status: 'completed' });
    expect(statuses.latest().get('strict')?.result?.error?.message).toBe('row 4 is bad');
  });
});
