import { z } from 'zod';
import { SwitchyardError } from './errors/switchyard.error.js';
import { QueueNameSchema, isoDateTime, snakeCaseId, timerMs } from './primitives.schema.js';

/**
 * Task priority, by name only. Lower numbers (see {@link TASK_PRIORITY_VALUES}) = higher priority.
 * A numeric priority such as `5` (as in the seed's header example) is invalid; convert numbers
 * with {@link taskPriorityFromNumber}.
 */
export const TaskPriority = z
  .enum(['critical', 'high', 'normal', 'low', 'background'])
  .describe(
    'Task priority: critical (must execute immediately), high (execute soon), normal (default), low (when resources are available), background (during low-traffic periods)',
  );

/** A task priority name. */
export type TaskPriority = z.infer<typeof TaskPriority>;

/** Numeric value of each task priority. Lower numbers = higher priority. */
export const TASK_PRIORITY_VALUES = {
  critical: 0,
  high: 1,
  normal: 2,
  low: 3,
  background: 4,
} as const satisfies Record<TaskPriority, number>;

/**
 * Maps a numeric priority 0..4 to its name (0 = `critical` ... 4 = `background`).
 * @throws SwitchyardError `SY_INVALID_TASK` for anything else.
 */
export function taskPriorityFromNumber(n: number): TaskPriority {
  const name = TaskPriority.options.find((p) => TASK_PRIORITY_VALUES[p] === n);
  if (name === undefined) {
    throw new SwitchyardError(
      'SY_INVALID_TASK',
      `Invalid task priority ${String(n)}: expected an integer 0..4 (0=critical, 1=high, 2=normal, 3=low, 4=background)`,
      {
        hint: 'Use a priority name (critical, high, normal, low, background) or a number 0..4.',
        details: { priority: n },
      },
    );
  }
  return name;
}

/** Task lifecycle status. */
export const TaskStatus = z
  .enum(['pending', 'queued', 'processing', 'completed', 'failed', 'cancelled', 'timeout', 'dead'])
  .describe(
    'Task status: pending, queued, processing, completed, failed (may retry), cancelled (manually), timeout, dead (moved to the dead letter queue)',
  );

/** A task status. */
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Retry policy of a task (or the default of a queue). */
export const TaskRetryPolicySchema = z
  .object({
    maxRetries: z.number().int().min(0).default(3).describe('Maximum number of retry attempts'),
    backoffStrategy: z
      .enum(['fixed', 'linear', 'exponential'])
      .default('exponential')
      .describe('Backoff strategy between retries'),
    initialDelayMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Delay before the first retry, in milliseconds'),
    maxDelayMs: z
      .number()
      .int()
      .positive()
      .default(60000)
      .describe('Upper bound of the retry delay, in milliseconds'),
    backoffMultiplier: z
      .number()
      .positive()
      .default(2)
      .describe('Multiplier of the delay for exponential backoff'),
  })
  .describe('Retry policy of a task');

/** Parsed {@link TaskRetryPolicySchema}. */
export type TaskRetryPolicy = z.infer<typeof TaskRetryPolicySchema>;
/** Input of {@link TaskRetryPolicySchema}. */
export type TaskRetryPolicyInput = z.input<typeof TaskRetryPolicySchema>;

/** A background task: a snake_case `type` naming its handler, a payload and a queue. */
export const TaskSchema = z
  .object({
    id: z.string().min(1).max(200).describe('Unique task identifier (1-200 chars)'),
    type: snakeCaseId().describe('Task type (snake_case handler identifier)'),
    payload: z.unknown().describe('Task payload data'),
    queue: QueueNameSchema.default('default').describe(
      'Queue name; part of the Kafka topic name tasks.<queue>.<lane>',
    ),
    priority: TaskPriority.default('normal').describe('Task priority'),
    retryPolicy: TaskRetryPolicySchema.optional().describe('Retry policy of this task'),
    timeoutMs: timerMs()
      .optional()
      .describe('Task timeout in milliseconds'),
    scheduledAt: isoDateTime().optional().describe('ISO 8601 datetime to execute task'),
    attempts: z.number().int().min(0).default(0).describe('Number of execution attempts so far'),
    status: TaskStatus.default('pending').describe('Current task status'),
    metadata: z
      .object({
        createdAt: isoDateTime().optional().describe('ISO 8601 datetime the task was created'),
        updatedAt: isoDateTime().optional().describe('ISO 8601 datetime of the last update'),
        createdBy: z.string().optional().describe('User or component that created the task'),
        tags: z.array(z.string()).optional().describe('Task tags for filtering'),
      })
      .optional()
      .describe('Task metadata'),
  })
  .describe('A background task');

/** Parsed {@link TaskSchema}. */
export type Task = z.infer<typeof TaskSchema>;
/** Input of {@link TaskSchema}. */
export type TaskInput = z.input<typeof TaskSchema>;

/** The result of one execution attempt of a task. */
export const TaskExecutionResultSchema = z
  .object({
    taskId: z.string().describe('Task identifier'),
    status: TaskStatus.describe('Task status after this attempt'),
    result: z.unknown().optional().describe('Value returned by the handler'),
    error: z
      .object({
        message: z.string().describe('Error message'),
        stack: z.string().optional().describe('Error stack trace'),
        code: z.string().optional().describe('Error code'),
      })
      .optional()
      .describe('Error of a failed attempt'),
    durationMs: z.number().int().optional().describe('Execution duration in milliseconds'),
    startedAt: isoDateTime().describe('ISO 8601 datetime the attempt started'),
    completedAt: isoDateTime().optional().describe('ISO 8601 datetime the attempt completed'),
    attempt: z.number().int().min(1).describe('Attempt number (1-indexed)'),
    willRetry: z.boolean().describe('Whether the task will be retried'),
  })
  .describe('Result of one task execution attempt');

/** Parsed {@link TaskExecutionResultSchema}. */
export type TaskExecutionResult = z.infer<typeof TaskExecutionResultSchema>;
/** Input of {@link TaskExecutionResultSchema}. */
export type TaskExecutionResultInput = z.input<typeof TaskExecutionResultSchema>;
