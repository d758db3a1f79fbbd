import { z } from 'zod';
import { QueueNameSchema } from '@switchyard/protocol';

/** Name of a scheduler: part of its topic, group and transactional ids. */
export const SchedulerNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'must be 1-64 of a-z, 0-9, "_" or "-", starting with a letter or digit' })
  .describe('Scheduler name: topics switchyard.scheduler.<name>.jobs/.log, group switchyard.scheduler.<name>');

/** Options of a Scheduler process (validated once at start, STYLE.md #5). */
export const SchedulerOptionsSchema = z.object({
  name: SchedulerNameSchema.default('default'),
  /** Partitions of the jobs topic: the most scheduler processes that share the work. Fixed once created. */
  partitions: z.number().int().min(1).max(256).default(6).describe('Partitions of the jobs topic (upper bound of useful replicas)'),
  replicationFactor: z.number().int().min(1).default(1).describe('Replication factor of the scheduler topics'),
  /** How often due ticks are looked for (ms); the firing lag is about half of it plus one transaction. */
  pollIntervalMs: z.number().int().min(5).max(10_000).default(50).describe('Tick poll period in ms'),
  /** Most jobs fired in one transaction (also capped at 512 KiB of records). */
  maxJobsPerTransaction: z.number().int().min(1).default(2_000).describe('Jobs fired per transaction at most'),
  /** Kafka group session timeout: how soon a dead process's partitions move (ms). */
  sessionTimeoutMs: z.number().int().min(6_000).default(10_000).describe('Consumer group session timeout in ms'),
  /** Aborts a transaction of a process that died mid-way after this long (ms); a new owner aborts it at once anyway. */
  transactionTimeoutMs: z.number().int().min(1_000).default(30_000).describe('Transaction timeout in ms'),
  /**
   * Queues whose status topics this process follows to write fired tasks' outcomes to the job log
   * and count failures per job (metrics). The job log shows outcomes without it too: reading it
   * merges the queues' status topics.
   */
  followQueues: z.array(QueueNameSchema).default([]).describe('Queues whose task outcomes are followed into the job log and metrics'),
  /** Retention of the job log (ms). */
  logRetentionMs: z.number().int().positive().default(7 * 24 * 3_600_000).describe('Job log retention in ms'),
});

export type SchedulerOptions = z.infer<typeof SchedulerOptionsSchema>;
export type SchedulerOptionsInput = z.input<typeof SchedulerOptionsSchema>;
