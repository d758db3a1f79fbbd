import pLimit from 'p-limit';
import type { BatchProgress } from '@switchyard/protocol';

/** How a batch is cut and run (the protocol BatchTask without its items). */
export interface BatchPlan {
  readonly batchId: string;
  readonly batchSize: number;
  readonly parallel: boolean;
  readonly stopOnError: boolean;
  /** Chunks running at once when `parallel` (default 4). */
  readonly maxParallelChunks?: number;
}

/** One chunk handed to the handler. */
export interface BatchChunk<I = unknown> {
  readonly batchId: string;
  readonly index: number;
  readonly chunks: number;
  readonly items: readonly I[];
}

export interface RunBatchOptions {
  /**
   * Called after each chunk with the progress so far. Called asynchronously; if it throws or
   * rejects, the error goes to `onProgressError` and processing continues (protocol semantics).
   */
  readonly onProgress?: (progress: BatchProgress) => void | Promise<void>;
  readonly onProgressError?: (error: unknown) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/** The outcome of a batch: its final progress and the error of the first failed chunk, if any. */
export interface BatchOutcome {
  readonly progress: BatchProgress;
  readonly firstError?: unknown;
}

/**
 * Runs a BatchTask's items in chunks of `batchSize`: chunks in parallel (bounded) or one after
 * another; with `stopOnError`, no new chunk starts after a failure. A chunk that throws counts
 * all its items as failed.
 */
export async function runBatch<I>(items: readonly I[], plan: BatchPlan, handleChunk: (chunk: BatchChunk<I>) => Promise<unknown>, options: RunBatchOptions = {}): Promise<BatchOutcome> {
  const now = options.now ?? Date.now;
  const chunks: I[][] = [];
  for (let i = 0; i < items.length; i += plan.batchSize) chunks.push(items.slice(i, i + plan.batchSize));
  const startedAt = new Date(now()).toISOString();
  const state = { processed: 0, succeeded: 0, failed: 0 };
  let firstError: unknown;
  let stopped = false;
  const progress = (status: BatchProgress['status']): BatchProgress => ({
    batchId: plan.batchId,
    total: items.length,
    ...state,
    percentage: items.length === 0 ? 100 : Math.round((state.processed / items.length) * 10_000) / 100,
    status,
    startedAt,
    ...(status === 'running' ? {} : { completedAt: new Date(now()).toISOString() }),
  });
  const report = (snapshot: BatchProgress) => {
    if (!options.onProgress) return;
    queueMicrotask(() => {
      Promise.resolve()
        .then(() => options.onProgress!(snapshot))
        .catch((error: unknown) => options.onProgressError?.(error));
    });
  };
  const runChunk = async (chunkItems: I[], index: number) => {
    if (stopped || options.signal?.aborted) return;
    try {
      await handleChunk({ batchId: plan.batchId, index, chunks: chunks.length, items: chunkItems });
      state.succeeded += chunkItems.length;
    } catch (error) {
      state.failed += chunkItems.length;
      firstError ??= error;
      if (plan.stopOnError) stopped = true;
    }
    state.processed += chunkItems.length;
    report(progress('running'));
  };
  if (plan.parallel) {
    const limit = pLimit(plan.maxParallelChunks ?? 4);
    await Promise.all(chunks.map((chunk, index) => limit(() => runChunk(chunk, index))));
  } else {
    for (const [index, chunk] of chunks.entries()) await runChunk(chunk, index);
  }
  const final = progress(firstError !== undefined && plan.stopOnError ? 'failed' : options.signal?.aborted ? 'cancelled' : 'completed');
  report(final);
  return { progress: final, ...(firstError !== undefined ? { firstError } : {}) };
}
