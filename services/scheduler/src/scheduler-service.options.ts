import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { parseJob, SchedulerNameSchema, type ScheduledJob } from '@switchyard/scheduler';

/** The scheduler process's environment (Kafka settings come from KAFKA_* separately). */
export const SchedulerServiceEnvSchema = z.object({
  SCHEDULER_NAME: SchedulerNameSchema.default('default'),
  SCHEDULER_PARTITIONS: z.coerce.number().int().min(1).max(256).default(6).describe('Partitions of the jobs topic'),
  SCHEDULER_FOLLOW_QUEUES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((q) => q.trim()).filter(Boolean))
    .describe('Comma-separated queues whose task outcomes go to the job log and metrics'),
  SCHEDULER_JOBS_FILE: z.string().optional().describe('JSON file with an array of jobs created (or updated) at start'),
  SCHEDULER_HTTP_HOST: z.string().default('127.0.0.1'),
  SCHEDULER_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
});

export type SchedulerServiceEnv = z.infer<typeof SchedulerServiceEnvSchema>;

/** Validates the environment. @throws SwitchyardError `SY_INVALID_ENV` naming the variable. */
export function loadSchedulerServiceEnv(env: NodeJS.ProcessEnv = process.env): SchedulerServiceEnv {
  return parseOrThrow(SchedulerServiceEnvSchema, env, { code: 'SY_INVALID_ENV', what: 'env' });
}

/** Reads and validates the jobs file. @throws `SY_INVALID_ENV` (unreadable file) or `SY_INVALID_JOB` (naming the job and field). */
export function loadJobsFile(path: string): ScheduledJob[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SwitchyardError('SY_INVALID_ENV', `SCHEDULER_JOBS_FILE: cannot read ${path} as JSON (${(error as Error).message}).`, { hint: 'Point SCHEDULER_JOBS_FILE at a JSON file holding an array of jobs.' });
  }
  if (!Array.isArray(raw)) throw new SwitchyardError('SY_INVALID_ENV', `SCHEDULER_JOBS_FILE: ${path} must hold a JSON array of jobs.`, { hint: 'Wrap the jobs in [ ... ].' });
  return raw.map((job, index) => {
    try {
      return parseJob(job);
    } catch (error) {
      if (error instanceof SwitchyardError) throw new SwitchyardError(error.code, `${path} [${index}]: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), details: error.details });
      throw error;
    }
  });
}
