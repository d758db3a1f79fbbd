import { describe, expect, it, vi } from 'vitest';
import type { BatchProgress } from '@switchyard/protocol';
import { runBatch } from './batch-runner.js';

const items = Array.from({ length: 10 }, (_, i) => i);

describe('runBatch', () => {
  it('cuts items by batchSize and runs chunks one after another when not parallel', async () => {
    const seen: number[][] = [];
    const progress: BatchProgress[] = [];
    const outcome = await runBatch(items, { batchId: 'b1', batchSize: 4, parallel: false, stopOnError: false }, async (chunk) => void seen.push([...chunk.items]), {
      onProgress: (p) => void progress.push(p),
    });
    expect(seen).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(outcome.progress).toMatchObject({ batchId: 'b1', total: 10, processed: 10, succeeded: 10, failed: 0, percentage: 100, status: 'completed' });
    await vi.waitFor(() => expect(progress.map((p) => [p.processed, p.status])).toEqual([[4, 'running'], [8, 'running'], [10, 'running'], [10, 'completed']]));
  });

  it('counts a failed chunk as failed items and continues without stopOnError', async () => {
    const outcome = await runBatch(items, { batchId: 'b2', batchSize: 3, parallel: true, stopOnError: false }, async (chunk) => {
      if (chunk.index === 1) throw new Error('chunk 1 broke');
    });
    expect(outcome.progress).toMatchObject({ processed: 10, succeeded: 7, failed: 3, status: 'completed' });
    expect((outcome.firstError as Error).message).toBe('chunk 1 broke');
  });

  it('starts no new chunk after a failure with stopOnError', async () => {
    const started: number[] = [];
    const outcome = await runBatch(items, { batchId: 'b3', batchSize: 2, parallel: false, stopOnError: true }, async (chunk) => {
      started.push(chunk.index);
      if (chunk.index === 1) throw new Error('stop here');
    });
    expect(started).toEqual([0, 1]);
    expect(outcome.progress).toMatchObject({ processed: 4, succeeded: 2, failed: 2, status: 'failed', percentage: 40 });
  });

  it('keeps going when onProgress throws, reporting the error', async () => {
    const errors: unknown[] = [];
    const outcome = await runBatch(items, { batchId: 'b4', batchSize: 5, parallel: true, stopOnError: false }, async () => undefined, {
      onProgress: () => {
        throw new Error('progress sink down');
      },
      onProgressError: (e) => void errors.push(e),
    });
    expect(outcome.progress.status).toBe('completed');
    await vi.waitFor(() => expect(errors).toHaveLength(3));
  });

  it('runs at most maxParallelChunks at once', async () => {
    let running = 0;
    let max = 0;
    await runBatch(Array.from({ length: 40 }, (_, i) => i), { batchId: 'b5', batchSize: 2, parallel: true, stopOnError: false, maxParallelChunks: 3 }, async () => {
      running++;
      max = Math.max(max, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    });
    expect(max).toBe(3);
  });
});
