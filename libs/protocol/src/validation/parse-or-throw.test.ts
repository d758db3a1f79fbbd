import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SwitchyardError } from '../errors/switchyard.error.js';
import { QueueConfigSchema } from '../queue.schema.js';
import { WorkerConfigSchema } from '../worker.schema.js';
import { deepFreeze, formatIssuePath, parseOrThrow, safeParseIssues } from './parse-or-throw.js';

function catchError(fn: () => unknown): SwitchyardError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchyardError');
}

describe('parseOrThrow', () => {
  it('returns the parsed value with defaults applied', () => {
    const config = parseOrThrow(QueueConfigSchema, { name: 'emails' }, {
      code: 'SY_INVALID_CONFIG',
      what: 'QueueConfig',
    });
    expect(config).toEqual({ name: 'emails', concurrency: 5, priority: 0 });
  });

  it('freezes the result deeply', () => {
    const config = parseOrThrow(
      QueueConfigSchema,
      { name: 'emails', autoScale: { enabled: true }, rateLimit: { max: 1, duration: 1000 } },
      { code: 'SY_INVALID_CONFIG', what: 'QueueConfig' },
    );
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.autoScale)).toBe(true);
    expect(Object.isFrozen(config.rateLimit)).toBe(true);
    expect(() => {
      (config as { concurrency: number }).concurrency = 99;
    }).toThrow(TypeError);
  });

  it('freezes arrays but leaves functions alone', () => {
    const handler = (): void => undefined;
    const worker = parseOrThrow(
      WorkerConfigSchema,
      { name: 'w', queues: ['a', 'b'], handlers: { send_email: handler } },
      { code: 'SY_INVALID_CONFIG', what: 'WorkerConfig' },
    );
    expect(Object.isFrozen(worker.queues)).toBe(true);
    expect(Object.isFrozen(worker.handlers)).toBe(true);
    expect(worker.handlers?.['send_email']).toBe(handler);
    expect(Object.isFrozen(handler)).toBe(false);
  });

  it('throws a SwitchyardError listing every issue as <what>.<path>: <message>', () => {
    const error = catchError(() =>
      parseOrThrow(
        QueueConfigSchema,
        { name: 'emails', concurrency: 0, autoScale: { maxWorkers: 1.5 } },
        { code: 'SY_INVALID_CONFIG', what: 'QueueConfig' },
      ),
    );
    expect(error.code).toBe('SY_INVALID_CONFIG');
    expect(error.retriable).toBe(false);
    expect(error.message).toBe(
      [
        'Invalid QueueConfig (2 problems):',
        '  QueueConfig.concurrency: Too small: expected number to be >=1',
        '  QueueConfig.autoScale.maxWorkers: Invalid input: expected int, received number',
      ].join('\n'),
    );
    expect(error.details).toEqual({
      what: 'QueueConfig',
      issues: [
        { path: 'concurrency', message: 'Too small: expected number to be >=1', code: 'too_small' },
        {
          path: 'autoScale.maxWorkers',
          message: 'Invalid input: expected int, received number',
          code: 'invalid_type',
        },
      ],
    });
    expect(error.hint).toMatch(/QueueConfig/);
  });

  it('renders array indexes in brackets and root issues without a path', () => {
    const error = catchError(() =>
      parseOrThrow(WorkerConfigSchema, { name: 'w', queues: ['ok', 'Bad'] }, {
        code: 'SY_INVALID_CONFIG',
        what: 'WorkerConfig',
      }),
    );
    expect(error.message).toContain('WorkerConfig.queues[1]: must match ^[a-z][a-z0-9_-]{0,99}$');
    const root = catchError(() =>
      parseOrThrow(z.string(), 5, { code: 'SY_INVALID_ENV', what: 'KAFKA_BROKERS' }),
    );
    expect(root.message).toBe(
      'Invalid KAFKA_BROKERS (1 problem):\n  KAFKA_BROKERS: Invalid input: expected string, received number',
    );
    expect(root.code).toBe('SY_INVALID_ENV');
  });

  it('uses a custom hint when given', () => {
    const error = catchError(() =>
      parseOrThrow(z.number(), 'x', { code: 'SY_INVALID_ENV', what: 'PORT', hint: 'Set PORT.' }),
    );
    expect(error.hint).toBe('Set PORT.');
  });
});

describe('safeParseIssues', () => {
  it('returns [] for valid input and the issues otherwise', () => {
    expect(safeParseIssues(QueueConfigSchema, { name: 'q' })).toEqual([]);
    expect(safeParseIssues(QueueConfigSchema, {}).map((i) => i.path)).toEqual(['name']);
  });
});

describe('formatIssuePath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatIssuePath([])).toBe('');
    expect(formatIssuePath(['a', 0, 'b', 1, 2])).toBe('a[0].b[1][2]');
    expect(formatIssuePath([0, 'x'])).toBe('[0].x');
  });
});

describe('deepFreeze', () => {
  it('handles cycles and skips class instances', () => {
    const date = new Date(0);
    const obj: Record<string, unknown> = { date, list: [{ n: 1 }] };
    obj['self'] = obj;
    deepFreeze(obj);
    expect(Object.isFrozen(obj)).toBe(true);
    expect(Object.isFrozen((obj['list'] as object[])[0])).toBe(true);
    expect(Object.isFrozen(date)).toBe(false);
  });
});
