import { z } from 'zod';
import { BatchTaskSchema, JobSchema, QueueNameSchema, TaskPriority } from '@switchyard/protocol';
import { sharedCron } from '../schedule/tick-clock.js';

/** A job id: also part of task ids and Kafka keys, so letters, digits, `_` and `-` only. */
export const JobIdSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,120}$/, { message: 'must be 1-120 letters, digits, "_" or "-"' })
  .describe('Unique job identifier (1-120 letters, digits, "_" or "-")');

/**
 * What to do with ticks that fell in downtime (due more than `thresholdMs` before the scheduler
 * got to them): `fire_once` runs one execution for all of them, `skip` runs none, `fire_all`
 * runs each of them, at most the `maxCatchUp` most recent (older ones are skipped).
 */
export const MisfirePolicySchema = z
  .object({
    policy: z.enum(['fire_once', 'skip', 'fire_all']).default('fire_once').describe('fire_once | skip | fire_all'),
    thresholdMs: z.number().int().min(0).default(5_000).describe('A tick due longer ago than this (ms) when fired is a misfire'),
    maxCatchUp: z.number().int().positive().default(100).describe('fire_all: most missed ticks fired at once (the most recent ones)'),
  })
  .describe('Misfire policy');

/** A task fired into a queue on each tick. `type` defaults to the job's `handler`. */
export const TaskTargetSchema = z
  .object({
    kind: z.literal('task'),
    queue: QueueNameSchema.describe('Queue the task goes to (its topics must exist)'),
    type: z.string().optional().describe('Task type; default: the job handler'),
    payload: z.unknown().optional().describe('Task payload'),
    priority: TaskPriority.default('normal').describe('Lane of the task'),
    tenant: z.string().min(1).optional().describe('Tenant id (the Kafka key)'),
    batch: BatchTaskSchema.pick({ items: true, batchSize: true, parallel: true, stopOnError: true })
      .optional()
      .describe('Fire a BatchTask: the items, cut into chunks of batchSize'),
  })
  .describe('Task target');

/** An event published on each tick. */
export const EventTargetSchema = z
  .object({
    kind: z.literal('event'),
    name: z.string().min(1).describe('Event name, e.g. report.due'),
    payload: z.unknown().optional().describe('Event payload'),
    priority: TaskPriority.default('normal').describe('Event priority'),
    tenant: z.string().min(1).optional().describe('Tenant id'),
  })
  .describe('Event target');

/** What a job fires. */
export const JobTargetSchema = z.discriminatedUnion('kind', [TaskTargetSchema, EventTargetSchema]).describe('Job target');

/** The protocol Job (spec 2b) plus what it fires and its misfire policy. */
export const ScheduledJobSchema = JobSchema.extend({
  id: JobIdSchema,
  target: JobTargetSchema,
  misfire: MisfirePolicySchema.default({ policy: 'fire_once', thresholdMs: 5_000, maxCatchUp: 100 }),
}).superRefine((job, ctx) => {
  const schedule = job.schedule;
  if (schedule.type === 'cron') {
    if (!isTimeZone(schedule.timezone)) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'timezone'], message: `"${schedule.timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)` });
    } else {
      const problem = cronProblem(schedule.expression, schedule.timezone);
      if (problem) ctx.addIssue({ code: 'custom', path: ['schedule', 'expression'], message: problem });
    }
  }
  if (job.target.kind === 'task') {
    const type = job.target.type ?? job.handler;
    if (!/^[a-z_][a-z0-9_]*$/.test(type)) {
      ctx.addIssue({ code: 'custom', path: job.target.type ? ['target', 'type'] : ['handler'], message: `task type "${type}" must be snake_case (the handler is the task type unless target.type is set)` });
    }
  }
});

/** Parsed {@link ScheduledJobSchema}. */
export type ScheduledJob = z.infer<typeof ScheduledJobSchema>;
/** Input of {@link ScheduledJobSchema}. */
export type ScheduledJobInput = z.input<typeof ScheduledJobSchema>;
/** Parsed {@link MisfirePolicySchema}. */
export type MisfirePolicy = z.infer<typeof MisfirePolicySchema>;
/** Parsed {@link JobTargetSchema}. */
export type JobTarget = z.infer<typeof JobTargetSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cronProblem(expression: string, timezone: string): string | undefined {
  try {
    sharedCron(expression, timezone).nextRun();
    return undefined;
  } catch (error) {
    return `"${expression}" is not a valid cron expression (5 fields, or 6 with seconds first): ${(error as Error).message}`;
  }
}
