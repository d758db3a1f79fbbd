import { describe, expect, it } from 'vitest';
import { foldJobLog, outcomeOf, withTaskStatus, type JobLogRecord } from './job-execution.v1.js';

const rec = (executionId: string, execution: JobLogRecord['execution'], extra: Partial<JobLogRecord> = {}): JobLogRecord => ({ format: 'job-execution.v1', executionId, execution, ...extra });

describe('job log folding', () => {
  it('keeps the start, takes the outcome, computes the duration, newest tick first', () => {
    const entries = foldJobLog([
      rec('a', { jobId: 'j', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' }, { tick: '2026-01-01T00:00:00.000Z', trigger: 'schedule', queue: 'q' }),
      rec('b', { jobId: 'j', startedAt: '2026-01-01T00:01:00.000Z', status: 'running' }, { tick: '2026-01-01T00:01:00.000Z', trigger: 'misfire', queue: 'q' }),
      rec('a', { jobId: 'j', status: 'failed', completedAt: '2026-01-01T00:00:02.500Z', error: 'SY_TASK_FAILED: boom' }),
      rec('a', { jobId: 'j', status: 'failed', completedAt: '2026-01-01T00:00:02.500Z', error: 'SY_TASK_FAILED: boom' }), // written twice after a crash
    ]);
    expect(entries.map((e) => [e.executionId, e.status, e.duration, e.trigger])).toEqual([
      ['b', 'running', undefined, 'misfire'],
      ['a', 'failed', 2_500, 'schedule'],
    ]);
  });

  it('never lets a later progress record undo an outcome', () => {
    const [entry] = foldJobLog([
      rec('a', { jobId: 'j', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' }),
      rec('a', { jobId: 'j', status: 'success', completedAt: '2026-01-01T00:00:01.000Z' }),
      rec('a', { jobId: 'j', status: 'running' }, { progress: { batchId: 'a', total: 4, processed: 4, succeeded: 4, failed: 0, percentage: 100, status: 'completed' } }),
    ]);
    expect(entry).toMatchObject({ status: 'success', progress: { processed: 4 } });
  });

  it('maps task statuses to job execution statuses', () => {
    expect(outcomeOf('completed', undefined)).toBe('success');
    expect(outcomeOf('dead', 'SY_TASK_TIMEOUT')).toBe('timeout');
    expect(outcomeOf('dead', 'SY_TASK_FAILED')).toBe('failed');
    expect(outcomeOf('cancelled', undefined)).toBe('failed');
    expect(outcomeOf('failed', 'SY_TASK_FAILED')).toBeUndefined(); // retrying: still running
    const [running] = foldJobLog([rec('a', { jobId: 'j', startedAt: '2026-01-01T00:00:00.000Z', status: 'running' })]);
    expect(
      withTaskStatus(running!, { format: 'task-status.v1', taskId: 'a', queue: 'q', type: 't', status: 'dead', attempt: 1, updatedAt: '2026-01-01T00:00:03.000Z', result: { taskId: 'a', status: 'dead', attempt: 1, willRetry: false, startedAt: '2026-01-01T00:00:02.000Z', error: { message: 'too slow', code: 'SY_TASK_TIMEOUT' } } }),
    ).toMatchObject({ status: 'timeout', duration: 3_000, error: 'SY_TASK_TIMEOUT: too slow' });
  });
});
