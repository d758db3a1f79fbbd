import { describe, expect, it } from 'vitest';
import { BatchProgressSchema, BatchTaskSchema } from './batch.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

const batch = { id: 'b-1', type: 'import_rows', items: [1, 2, 3] };

describe('BatchTaskSchema', () => {
  it('applies the spec defaults', () => {
    expect(BatchTaskSchema.parse(batch)).toEqual({
      ...batch,
      batchSize: 100,
      queue: 'batch',
      priority: 'normal',
      parallel: true,
      stopOnError: false,
    });
  });

  it('accepts every priority and an onProgress function', () => {
    const onProgress = (): void => undefined;
    for (const priority of ['critical', 'high', 'normal', 'low', 'background']) {
      expect(BatchTaskSchema.parse({ ...batch, priority, onProgress }).onProgress).toBe(onProgress);
    }
  });

  it('enforces constraints', () => {
    expect(paths(BatchTaskSchema, {})).toEqual(['id', 'type', 'items']);
    expect(paths(BatchTaskSchema, { ...batch, id: '' })).toEqual(['id']);
    expect(paths(BatchTaskSchema, { ...batch, type: 'Import' })).toEqual(['type']);
    expect(paths(BatchTaskSchema, { ...batch, items: 'x' })).toEqual(['items']);
    expect(paths(BatchTaskSchema, { ...batch, batchSize: 0 })).toEqual(['batchSize']);
    expect(paths(BatchTaskSchema, { ...batch, batchSize: 1.5 })).toEqual(['batchSize']);
    expect(paths(BatchTaskSchema, { ...batch, queue: 'Batch' })).toEqual(['queue']);
    expect(paths(BatchTaskSchema, { ...batch, priority: 4 })).toEqual(['priority']);
    expect(paths(BatchTaskSchema, { ...batch, parallel: 'no' })).toEqual(['parallel']);
    expect(paths(BatchTaskSchema, { ...batch, stopOnError: 1 })).toEqual(['stopOnError']);
    const issues = safeParseIssues(BatchTaskSchema, { ...batch, onProgress: 'log' });
    expect(issues).toEqual([{ path: 'onProgress', message: 'must be a function', code: 'custom' }]);
  });
});

describe('BatchProgressSchema', () => {
  const progress = { batchId: 'b-1', total: 10, percentage: 0, status: 'pending' };

  it('applies the spec defaults', () => {
    expect(BatchProgressSchema.parse(progress)).toEqual({
      ...progress,
      processed: 0,
      succeeded: 0,
      failed: 0,
    });
  });

  it('accepts every status and rejects others', () => {
    for (const status of ['pending', 'running', 'completed', 'failed', 'cancelled']) {
      expect(BatchProgressSchema.parse({ ...progress, status }).status).toBe(status);
    }
    expect(paths(BatchProgressSchema, { ...progress, status: 'paused' })).toEqual(['status']);
  });

  it('enforces constraints', () => {
    expect(paths(BatchProgressSchema, {})).toEqual(['batchId', 'total', 'percentage', 'status']);
    expect(paths(BatchProgressSchema, { ...progress, total: -1 })).toEqual(['total']);
    expect(paths(BatchProgressSchema, { ...progress, processed: -1 })).toEqual(['processed']);
    expect(paths(BatchProgressSchema, { ...progress, succeeded: 0.5 })).toEqual(['succeeded']);
    expect(paths(BatchProgressSchema, { ...progress, failed: -2 })).toEqual(['failed']);
    expect(paths(BatchProgressSchema, { ...progress, percentage: 100.1 })).toEqual(['percentage']);
    expect(paths(BatchProgressSchema, { ...progress, percentage: -0.1 })).toEqual(['percentage']);
    expect(BatchProgressSchema.parse({ ...progress, percentage: 33.3 }).percentage).toBe(33.3);
    expect(paths(BatchProgressSchema, { ...progress, startedAt: 'x' })).toEqual(['startedAt']);
    expect(paths(BatchProgressSchema, { ...progress, completedAt: 'x' })).toEqual(['completedAt']);
  });
});
