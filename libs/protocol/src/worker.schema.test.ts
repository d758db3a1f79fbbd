import { describe, expect, it } from 'vitest';
import { safeParseIssues } from './validation/parse-or-throw.js';
import { WorkerConfigSchema, WorkerStatsSchema } from './worker.schema.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

describe('WorkerConfigSchema', () => {
  const worker = { name: 'worker-1', queues: ['emails'] };

  it('applies the spec defaults', () => {
    expect(WorkerConfigSchema.parse(worker)).toEqual({
      ...worker,
      pollIntervalMs: 1000,
      visibilityTimeoutMs: 30000,
      defaultTimeoutMs: 300000,
      shutdownTimeoutMs: 30000,
    });
  });

  it('parses queueConfigs with their defaults and keeps handlers', () => {
    const send = async (): Promise<void> => undefined;
    const parsed = WorkerConfigSchema.parse({
      ...worker,
      queueConfigs: [{ name: 'emails' }],
      handlers: { send_email: send },
    });
    expect(parsed.queueConfigs).toEqual([{ name: 'emails', concurrency: 5, priority: 0 }]);
    expect(parsed.handlers?.['send_email']).toBe(send);
  });

  it('enforces constraints', () => {
    expect(paths(WorkerConfigSchema, {})).toEqual(['name', 'queues']);
    expect(paths(WorkerConfigSchema, { ...worker, queues: [] })).toEqual(['queues']);
    expect(paths(WorkerConfigSchema, { ...worker, queues: ['ok', 'Not_OK'] })).toEqual(['queues[1]']);
    expect(paths(WorkerConfigSchema, { ...worker, queueConfigs: [{ name: 'q', concurrency: 0 }] })).toEqual([
      'queueConfigs[0].concurrency',
    ]);
    for (const field of ['pollIntervalMs', 'visibilityTimeoutMs', 'defaultTimeoutMs', 'shutdownTimeoutMs']) {
      expect(paths(WorkerConfigSchema, { ...worker, [field]: 0 })).toEqual([field]);
      expect(paths(WorkerConfigSchema, { ...worker, [field]: 1.5 })).toEqual([field]);
    }
    expect(safeParseIssues(WorkerConfigSchema, { ...worker, handlers: { a: 'nope' } })).toEqual([
      { path: 'handlers.a', message: 'must be a function', code: 'custom' },
    ]);
  });
});

describe('WorkerStatsSchema', () => {
  const stats = {
    workerName: 'worker-1',
    totalProcessed: 10,
    succeeded: 9,
    failed: 1,
    active: 0,
    uptimeMs: 1000,
  };

  it('accepts minimal and full stats', () => {
    expect(WorkerStatsSchema.parse(stats)).toEqual(stats);
    const full = {
      ...stats,
      avgExecutionMs: 12.5,
      queues: { emails: { pending: 1, active: 0, completed: 9, failed: 1 } },
    };
    expect(WorkerStatsSchema.parse(full)).toEqual(full);
  });

  it('enforces constraints', () => {
    expect(paths(WorkerStatsSchema, {})).toEqual([
      'workerName',
      'totalProcessed',
      'succeeded',
      'failed',
      'active',
      'uptimeMs',
    ]);
    for (const field of ['totalProcessed', 'succeeded', 'failed', 'active', 'uptimeMs']) {
      expect(paths(WorkerStatsSchema, { ...stats, [field]: -1 })).toEqual([field]);
      expect(paths(WorkerStatsSchema, { ...stats, [field]: 0.5 })).toEqual([field]);
    }
    expect(paths(WorkerStatsSchema, { ...stats, avgExecutionMs: -1 })).toEqual(['avgExecutionMs']);
    expect(
      paths(WorkerStatsSchema, { ...stats, queues: { q: { pending: -1, active: 0, completed: 0 } } }),
    ).toEqual(['queues.q.pending', 'queues.q.failed']);
  });
});
