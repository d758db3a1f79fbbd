import { z } from 'zod';
import { QueueNameSchema } from './primitives.schema.js';
import { TaskRetryPolicySchema } from './task.schema.js';

/** Configuration of one task queue: concurrency, rate limit, retries, DLQ and auto-scaling. */
export const QueueConfigSchema = z
  .object({
    name: QueueNameSchema.describe(
      'Queue name (lowercase a-z, 0-9, _ or -); part of the Kafka topic name tasks.<queue>.<lane>',
    ),
    concurrency: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Max concurrent task executions'),
    rateLimit: z
      .object({
        max: z.number().int().positive().describe('Maximum tasks per duration'),
        duration: z.number().int().positive().describe('Duration in milliseconds'),
      })
      .optional()
      .describe('Rate limit of the queue'),
    defaultRetryPolicy: TaskRetryPolicySchema.optional().describe(
      'Retry policy of tasks that do not set their own',
    ),
    deadLetterQueue: z
      .string()
      .optional()
      .describe('Dead letter queue: the name of its Kafka topic (default tasks.<queue>.dlq)'),
    priority: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Queue priority (lower = higher priority): weighs task starts 1/(priority+1) between the queues one worker serves'),
    autoScale: z
      .object({
        enabled: z.boolean().default(false).describe('Enable auto-scaling'),
        minWorkers: z.number().int().min(1).default(1).describe('Minimum workers'),
        maxWorkers: z.number().int().min(1).default(10).describe('Maximum workers'),
        scaleUpThreshold: z
          .number()
          .int()
          .positive()
          .default(100)
          .describe('Queue size to scale up'),
        scaleDownThreshold: z
          .number()
          .int()
          .min(0)
          .default(10)
          .describe('Queue size to scale down'),
      })
      .optional()
      .describe('Auto-scaling configuration (no effect: Switchyard starts no processes; a worker warns when it is set)'),
  })
  .describe('Task queue configuration');

/** Parsed {@link QueueConfigSchema}. */
export type QueueConfig = z.infer<typeof QueueConfigSchema>;
/** Input of {@link QueueConfigSchema}. */
export type QueueConfigInput = z.input<typeof QueueConfigSchema>;
