import { describe, expect, it } from 'vitest';
import { parseJob } from './parse-job.js';

const base = { id: 'nightly', name: 'nightly_report', handler: 'build_report', target: { kind: 'task', queue: 'reports' } } as const;

describe('ScheduledJobSchema', () => {
  it('applies the protocol defaults (timezone UTC, enabled, fire_once misfires)', () => {
    const job = parseJob({ ...base, schedule: { type: 'cron', expression: '0 3 * * *' } });
    expect(job.schedule).toEqual({ type: 'cron', expression: '0 3 * * *', timezone: 'UTC' });
    expect(job.enabled).toBe(true);
    expect(job.misfire).toEqual({ policy: 'fire_once', thresholdMs: 5_000, maxCatchUp: 100 });
    expect(job.target).toMatchObject({ kind: 'task', queue: 'reports', priority: 'normal' });
  });

  it('refuses an invalid cron expression, naming the field', () => {
    expect(() => parseJob({ ...base, schedule: { type: 'cron', expression: '61 * * * *' } })).toThrow(/job\.schedule\.expression/);
    expect(() => parseJob({ ...base, schedule: { type: 'cron', expression: '* * *' } })).toThrow(expect.objectContaining({ code: 'SY_INVALID_JOB' }));
  });

  it('refuses an unknown time zone, naming the field', () => {
    expect(() => parseJob({ ...base, schedule: { type: 'cron', expression: '0 3 * * *', timezone: 'Mars/Olympus' } })).toThrow(/job\.schedule\.timezone: "Mars\/Olympus" is not an IANA time zone/);
  });

  it('refuses a bad id, interval and task type', () => {
    expect(() => parseJob({ ...base, id: 'a/b', schedule: { type: 'interval', intervalMs: 1000 } })).toThrow(/job\.id/);
    expect(() => parseJob({ ...base, schedule: { type: 'interval', intervalMs: 0 } })).toThrow(/job\.schedule\.intervalMs/);
    expect(() => parseJob({ ...base, handler: 'Build-Report', schedule: { type: 'interval', intervalMs: 10 } })).toThrow(/job\.handler/);
  });
});
