import { z } from 'zod';
import { isoDateTime, snakeCaseId } from './primitives.schema.js';

/** Cron schedule of a job. */
export const CronScheduleSchema = z
  .object({
    type: z.literal('cron').describe('Schedule type'),
    expression: z.string().describe('Cron expression (e.g. "0 0 * * *" for daily at midnight)'),
    timezone: z
      .string()
      .optional()
      .default('UTC')
      .describe('Timezone for cron execution (e.g. "America/New_York")'),
  })
  .describe('Cron schedule');

/** Fixed-interval schedule of a job. */
export const IntervalScheduleSchema = z
  .object({
    type: z.literal('interval').describe('Schedule type'),
    intervalMs: z.number().int().positive().describe('Interval in milliseconds'),
  })
  .describe('Interval schedule');

/** One-shot schedule of a job. */
export const OnceScheduleSchema = z
  .object({
    type: z.literal('once').describe('Schedule type'),
    at: isoDateTime().describe('ISO 8601 datetime when to execute'),
  })
  .describe('One-time schedule');

/** Job schedule: a discriminated union on `type` (`cron`, `interval`, `once`). */
export const ScheduleSchema = z
  .discriminatedUnion('type', [CronScheduleSchema, IntervalScheduleSchema, OnceScheduleSchema])
  .describe('Job schedule');

/** Parsed {@link ScheduleSchema}. */
export type Schedule = z.infer<typeof ScheduleSchema>;
/** Input of {@link ScheduleSchema}. */
export type ScheduleInput = z.input<typeof ScheduleSchema>;
/** Parsed {@link CronScheduleSchema}. */
export type CronSchedule = z.infer<typeof CronScheduleSchema>;
/** Parsed {@link IntervalScheduleSchema}. */
export type IntervalSchedule = z.infer<typeof IntervalScheduleSchema>;
/** Parsed {@link OnceScheduleSchema}. */
export type OnceSchedule = z.infer<typeof OnceScheduleSchema>;

/** Retry policy of a scheduled job (exponential backoff). */
export const JobRetryPolicySchema = z
  .object({
    maxRetries: z.number().int().min(0).default(3).describe('Maximum number of retry attempts'),
    backoffMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Initial backoff delay in milliseconds'),
    backoffMultiplier: z
      .number()
      .positive()
      .default(2)
      .describe('Multiplier for exponential backoff'),
  })
  .describe('Job retry policy');

/** Alias of {@link JobRetryPolicySchema}, under the seed's name. */
export const RetryPolicySchema = JobRetryPolicySchema;

/** Parsed {@link JobRetryPolicySchema}. */
export type JobRetryPolicy = z.infer<typeof JobRetryPolicySchema>;
/** Input of {@link JobRetryPolicySchema}. */
export type JobRetryPolicyInput = z.input<typeof JobRetryPolicySchema>;
/** Alias of {@link JobRetryPolicy}. */
export type RetryPolicy = JobRetryPolicy;
/** Alias of {@link JobRetryPolicyInput}. */
export type RetryPolicyInput = JobRetryPolicyInput;

/** A scheduled job. */
export const JobSchema = z
  .object({
    id: z.string().describe('Unique job identifier'),
    name: snakeCaseId().describe('Job name (snake_case)'),
    schedule: ScheduleSchema.describe('Job schedule configuration'),
    handler: z
      .string()
      .describe('Handler path (e.g. "path/to/file:functionName") or script ID'),
    retryPolicy: JobRetryPolicySchema.optional().describe('Retry policy configuration'),
    timeout: z.number().int().positive().optional().describe('Timeout in milliseconds'),
    enabled: z.boolean().default(true).describe('Whether the job is enabled'),
  })
  .describe('Scheduled job');

/** Parsed {@link JobSchema}. */
export type Job = z.infer<typeof JobSchema>;
/** Input of {@link JobSchema}. */
export type JobInput = z.input<typeof JobSchema>;

/** Status of one job execution. */
export const JobExecutionStatus = z
  .enum(['running', 'success', 'failed', 'timeout'])
  .describe('Job execution status');

/** A job execution status. */
export type JobExecutionStatus = z.infer<typeof JobExecutionStatus>;

/** Log record of one job execution. */
export const JobExecutionSchema = z
  .object({
    jobId: z.string().describe('Job identifier'),
    startedAt: isoDateTime().describe('ISO 8601 datetime when execution started'),
    completedAt: isoDateTime().optional().describe('ISO 8601 datetime when execution completed'),
    status: JobExecutionStatus.describe('Execution status'),
    error: z.string().optional().describe('Error message if failed'),
    duration: z.number().int().optional().describe('Execution duration in milliseconds'),
  })
  .describe('Job execution');

/** Parsed {@link JobExecutionSchema}. */
export type JobExecution = z.infer<typeof JobExecutionSchema>;
/** Input of {@link JobExecutionSchema}. */
export type JobExecutionInput = z.input<typeof JobExecutionSchema>;
