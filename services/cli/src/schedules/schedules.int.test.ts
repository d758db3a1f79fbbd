import { describe, expect, it } from 'vitest';
import { planSchedulerTopics } from '@switchyard/scheduler';
import { uniqueName } from '@switchyard/testing';
import { freshQueue, jsonOf, runCli } from '../cli-process.test-support.js';

describe('switchyard schedules (subprocess, real broker)', () => {
  it('creates, lists, pauses, resumes, runs now, shows the log and deletes a job; refuses bad input', async () => {
    const q = await freshQueue();
    const scheduler = uniqueName('clisch');
    q.admin.deleteAfterTest(planSchedulerTopics({ name: scheduler, partitions: 2, replicationFactor: 1, logRetentionMs: 1 }).map((s) => s.topic));
    const on = ['--scheduler', scheduler, '--partitions', '2'];

    const created = await runCli(['--json', 'schedules', 'create', ...on, '--id', 'nightly', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--queue', q.name, '--handler', 'build_report', '--payload', '{"kind":"daily"}', '--max-retries', '1']);
    expect(created.code, created.stderr).toBe(0);
    expect(jsonOf(created)).toMatchObject({ job: { id: 'nightly', name: 'nightly', schedule: { expression: '0 3 * * *', timezone: 'Europe/Berlin' } }, nextTick: expect.any(String) });

    const [badZone, badCron, noSchedule, duplicate] = await Promise.all([
      runCli(['schedules', 'create', ...on, '--id', 'x', '--cron', '0 3 * * *', '--timezone', 'Mars/Base', '--queue', q.name]),
      runCli(['schedules', 'create', ...on, '--id', 'y', '--cron', '99 * * * *', '--queue', q.name]),
      runCli(['schedules', 'create', ...on, '--id', 'z', '--queue', q.name]),
      runCli(['schedules', 'create', ...on, '--id', 'nightly', '--every-ms', '1000', '--queue', q.name]),
    ]);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('job.schedule.timezone');
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toContain('job.schedule.expression');
    expect(noSchedule.code).toBe(2);
    expect(duplicate.code).toBe(2);

    const paused = await runCli(['--json', 'schedules', 'pause', 'nightly', ...on]);
    expect(paused.code, paused.stderr).toBe(0);
    const list = await runCli(['--json', 'schedules', 'list', ...on]);
    expect(jsonOf<{ job: { id: string; enabled: boolean } }[]>(list).map((v) => [v.job.id, v.job.enabled])).toEqual([['nightly', false]]);
    expect((await runCli(['schedules', 'resume', 'nightly', ...on])).code).toBe(0);

    const run = await runCli(['--json', 'schedules', 'run-now', 'nightly', ...on]);
    expect(run.code, run.stderr).toBe(0);
    const { executionId } = jsonOf<{ executionId: string }>(run);
    const show = await runCli(['--json', 'schedules', 'show', 'nightly', ...on]);
    expect(show.code, show.stderr).toBe(0);
    expect(jsonOf(show)).toMatchObject({ job: { id: 'nightly', enabled: true }, executions: [{ executionId, trigger: 'manual', status: 'running', queue: q.name }] });
    const text = await runCli(['schedules', 'show', 'nightly', ...on]);
    expect(text.stdout).toContain('cron 0 3 * * * (Europe/Berlin)');

    expect((await runCli(['schedules', 'delete', 'nightly', ...on])).code).toBe(4);
    expect((await runCli(['schedules', 'delete', 'nightly', '--yes', ...on])).code).toBe(0);
    const gone = await runCli(['schedules', 'show', 'nightly', ...on]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('SY_UNKNOWN_JOB');
    expect((await runCli(['schedules', 'list', ...on])).code).toBe(3);
  });
});
