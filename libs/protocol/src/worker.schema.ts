import { z } from 'zod';
import { QueueNameSchema, fn, timerMs } from './primitives.schema.js';
import { QueueConfigSchema } from './queue.schema.js';
import type { Task } from './task.schema.js';

/** A task handler registered under a task type. */
export type TaskHandler = (task: Task) => unknown;

/** Configuration of a worker process. */
export const WorkerConfigSchema = z
  .object({
    name: z.string().describe('Worker name'),
    queues: z.array(QueueNameSchema).min(1).describe('Queue names to process (at least one)'),
    queueConfigs: z.array(QueueConfigSchema).optional().describe('Queue configurations'),
    pollIntervalMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Poll interval in milliseconds (no effect: Kafka consumers long-poll; a worker warns when it is set)'),
    visibilityTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(30000)
      .describe('How long a task is invisible after being claimed, in milliseconds (no effect: Kafka redelivers after the group session timeout; a worker warns when it is set)'),
    defaultTimeoutMs: timerMs()
      .default(300000)
      .describe('Default task timeout in milliseconds'),
    shutdownTimeoutMs: timerMs()
      .default(30000)
      .describe('Graceful shutdown timeout in milliseconds'),
    handlers: z
      .record(z.string(), fn<TaskHandler>())
      .optional()
      .describe('Task handlers by task type'),
  })
  .describe('Worker configuration');

/** Parsed {@link WorkerConfigSchema}. */
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
/** Input of {@link WorkerConfigSchema}. */
export type WorkerConfigInput = z.input<typeof WorkerConfigSchema>;

/** Runtime statistics of a worker. */
export const WorkerStatsSchema = z
  .object({
    workerName: z.string().describe('Worker name'),
    totalProcessed: z.number().int().min(0).describe('Total tasks processed'),
    succeeded: z.number().int().min(0).describe('Tasks succeeded'),
    failed: z.number().int().min(0).describe('Tasks failed'),
    active: z.number().int().min(0).describe('Tasks currently executing'),
    avgExecutionMs: z.number().min(0).optional().describe('Average execution time in milliseconds'),
    uptimeMs: z.number().int().min(0).describe('Worker uptime in milliseconds'),
    queues: z
      .record(
        z.string(),
        z.object({
          pending: z.number().int().min(0).describe('Pending tasks'),
          active: z.number().int().min(0).describe('Active tasks'),
          completed: z.number().int().min(0).describe('Completed tasks'),
          failed: z.number().int().min(0).describe('Failed tasks'),
        }),
      )
      .optional()
      .describe('Per-queue statistics by queue name'),
  })
  .describe('Worker statistics');

/** Parsed {@link WorkerStatsSchema}. */
export type WorkerStats = z.infer<typeof WorkerStatsSchema>;
/** Input of {@link WorkerStatsSchema}. */
export type WorkerStatsInput = z.input<typeof WorkerStatsSchema>;
