import { describe, expect, it } from 'vitest';
import {
  JobExecutionSchema,
  JobExecutionStatus,
  JobRetryPolicySchema,
  JobSchema,
  RetryPolicySchema,
  ScheduleSchema,
} from './job.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

describe('ScheduleSchema', () => {
  it('parses each variant and defaults the cron timezone to UTC', () => {
    expect(ScheduleSchema.parse({ type: 'cron', expression: '0 0 * * *' })).toEqual({
      type: 'cron',
      expression: '0 0 * * *',
      timezone: 'UTC',
    });
    expect(ScheduleSchema.parse({ type: 'interval', intervalMs: 5000 })).toEqual({
      type: 'interval',
      intervalMs: 5000,
    });
    expect(ScheduleSchema.parse({ type: 'once', at: '2026-02-01T00:00:00Z' })).toEqual({
      type: 'once',
      at: '2026-02-01T00:00:00Z',
    });
  });

  it('rejects an unknown type and invalid variant fields', () => {
    expect(paths(ScheduleSchema, { type: 'weekly' })).toEqual(['type']);
    expect(paths(ScheduleSchema, { type: 'cron' })).toEqual(['expression']);
    expect(paths(ScheduleSchema, { type: 'interval', intervalMs: 0 })).toEqual(['intervalMs']);
    expect(paths(ScheduleSchema, { type: 'interval', intervalMs: 1.5 })).toEqual(['intervalMs']);
    expect(paths(ScheduleSchema, { type: 'once', at: 'tomorrow' })).toEqual(['at']);
  });
});

describe('JobRetryPolicySchema', () => {
  it('is exported under the seed name RetryPolicySchema too', () => {
    expect(RetryPolicySchema).toBe(JobRetryPolicySchema);
  });

  it('applies the spec defaults', () => {
    expect(JobRetryPolicySchema.parse({})).toEqual({
      maxRetries: 3,
      backoffMs: 1000,
      backoffMultiplier: 2,
    });
  });

  it('enforces constraints', () => {
    expect(paths(JobRetryPolicySchema, { maxRetries: -1, backoffMs: 0, backoffMultiplier: 0 })).toEqual([
      'maxRetries',
      'backoffMs',
      'backoffMultiplier',
    ]);
  });
});

describe('JobSchema', () => {
  const job = {
    id: 'job-1',
    name: 'nightly_cleanup',
    schedule: { type: 'cron', expression: '0 3 * * *' },
    handler: 'jobs/cleanup.ts:run',
  };

  it('applies the spec defaults', () => {
    expect(JobSchema.parse(job)).toEqual({
      ...job,
      schedule: { ...job.schedule, timezone: 'UTC' },
      enabled: true,
    });
  });

  it('enforces constraints', () => {
    expect(paths(JobSchema, {})).toEqual(['id', 'name', 'schedule', 'handler']);
    expect(paths(JobSchema, { ...job, name: 'NightlyCleanup' })).toEqual(['name']);
    expect(paths(JobSchema, { ...job, handler: async () => undefined })).toEqual(['handler']);
    expect(paths(JobSchema, { ...job, timeout: 0 })).toEqual(['timeout']);
    expect(paths(JobSchema, { ...job, enabled: 'no' })).toEqual(['enabled']);
    expect(paths(JobSchema, { ...job, retryPolicy: { backoffMs: -5 } })).toEqual(['retryPolicy.backoffMs']);
    expect(paths(JobSchema, { ...job, schedule: { type: 'once' } })).toEqual(['schedule.at']);
  });
});

describe('JobExecutionSchema', () => {
  const run = { jobId: 'job-1', startedAt: '2026-02-01T03:00:00Z', status: 'running' };

  it('accepts every status and rejects others', () => {
    expect(JobExecutionStatus.options).toEqual(['running', 'success', 'failed', 'timeout']);
    for (const status of JobExecutionStatus.options) {
      expect(JobExecutionSchema.parse({ ...run, status }).status).toBe(status);
    }
    expect(paths(JobExecutionSchema, { ...run, status: 'completed' })).toEqual(['status']);
  });

  it('enforces constraints', () => {
    expect(paths(JobExecutionSchema, {})).toEqual(['jobId', 'startedAt', 'status']);
    expect(paths(JobExecutionSchema, { ...run, startedAt: 'x', completedAt: 'y' })).toEqual([
      'startedAt',
      'completedAt',
    ]);
    expect(paths(JobExecutionSchema, { ...run, duration: 1.5 })).toEqual(['duration']);
  });
});
