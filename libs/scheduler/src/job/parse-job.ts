import { parseOrThrow } from '@switchyard/protocol';
import { ScheduledJobSchema, type ScheduledJob } from './scheduled-job.schema.js';

/**
 * Validates a job at the edge (lib, CLI, service config).
 * @throws SwitchyardError `SY_INVALID_JOB` naming each bad field (`job.schedule.timezone`, ...).
 */
export function parseJob(input: unknown): ScheduledJob {
  return parseOrThrow(ScheduledJobSchema, input, {
    code: 'SY_INVALID_JOB',
    what: 'job',
    hint: 'Fix the named job fields: schedule is {type:"cron",expression,timezone?} | {type:"interval",intervalMs} | {type:"once",at}; see docs/scheduler.md.',
  });
}
