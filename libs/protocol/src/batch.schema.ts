import { z } from 'zod';
import { QueueNameSchema, fn, isoDateTime, snakeCaseId } from './primitives.schema.js';
import { TaskPriority } from './task.schema.js';

/** Progress passed to {@link BatchTask.onProgress} after each batch. */
export interface BatchProgressUpdate {
  processed: number;
  total: number;
  failed: number;
}

/**
 * Progress callback of a batch task. Called after each batch, asynchronously; if it throws,
 * the error is logged and processing continues.
 */
export type BatchProgressCallback = (progress: BatchProgressUpdate) => void;

/** A task that processes many items in batches. */
export const BatchTaskSchema = z
  .object({
    id: z.string().min(1).max(200).describe('Unique batch job identifier (1-200 chars)'),
    type: snakeCaseId().describe('Task type (snake_case handler identifier)'),
    items: z.array(z.unknown()).describe('Items to process'),
    batchSize: z.number().int().min(1).default(100).describe('Number of items per batch'),
    queue: QueueNameSchema.default('batch').describe(
      'Queue name; part of the Kafka topic name tasks.<queue>.<lane>',
    ),
    priority: TaskPriority.default('normal').describe('Batch task priority'),
    parallel: z.boolean().default(true).describe('Process batches in parallel'),
    stopOnError: z.boolean().default(false).describe('Stop the batch on the first error'),
    onProgress: fn<BatchProgressCallback>()
      .optional()
      .describe(
        'Progress callback ({processed,total,failed}) => void; called after each batch, asynchronously; if it throws, the error is logged and processing continues',
      ),
  })
  .describe('Batch task');

/** Parsed {@link BatchTaskSchema}. */
export type BatchTask = z.infer<typeof BatchTaskSchema>;
/** Input of {@link BatchTaskSchema}. */
export type BatchTaskInput = z.input<typeof BatchTaskSchema>;

/** Progress record of a batch task. */
export const BatchProgressSchema = z
  .object({
    batchId: z.string().describe('Batch job identifier'),
    total: z.number().int().min(0).describe('Total number of items'),
    processed: z.number().int().min(0).default(0).describe('Items processed'),
    succeeded: z.number().int().min(0).default(0).describe('Items succeeded'),
    failed: z.number().int().min(0).default(0).describe('Items failed'),
    percentage: z.number().min(0).max(100).describe('Progress percentage (0-100)'),
    status: z
      .enum(['pending', 'running', 'completed', 'failed', 'cancelled'])
      .describe('Batch status'),
    startedAt: isoDateTime().optional().describe('ISO 8601 datetime the batch started'),
    completedAt: isoDateTime().optional().describe('ISO 8601 datetime the batch completed'),
  })
  .describe('Batch progress');

/** Parsed {@link BatchProgressSchema}. */
export type BatchProgress = z.infer<typeof BatchProgressSchema>;
/** Input of {@link BatchProgressSchema}. */
export type BatchProgressInput = z.input<typeof BatchProgressSchema>;
