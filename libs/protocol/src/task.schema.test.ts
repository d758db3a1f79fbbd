import { describe, expect, it } from 'vitest';
import { SwitchyardError } from './errors/switchyard.error.js';
import {
  TASK_PRIORITY_VALUES,
  TaskExecutionResultSchema,
  TaskPriority,
  TaskRetryPolicySchema,
  TaskSchema,
  TaskStatus,
  taskPriorityFromNumber,
} from './task.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

const task = { id: 't-1', type: 'send_email', payload: { to: 'a@b.c' } };

describe('TaskPriority', () => {
  it('accepts the five names and maps them to 0..4', () => {
    expect(TaskPriority.options).toEqual(['critical', 'high', 'normal', 'low', 'background']);
    expect(TASK_PRIORITY_VALUES).toEqual({ critical: 0, high: 1, normal: 2, low: 3, background: 4 });
    for (const p of TaskPriority.options) expect(TaskPriority.parse(p)).toBe(p);
  });

  it('rejects numbers such as the seed example priority: 5, and unknown names', () => {
    expect(TaskPriority.safeParse(5).success).toBe(false);
    expect(TaskPriority.safeParse(2).success).toBe(false);
    expect(TaskPriority.safeParse('urgent').success).toBe(false);
    expect(paths(TaskSchema, { ...task, priority: 5 })).toEqual(['priority']);
  });

  it('taskPriorityFromNumber maps 0..4 and throws SY_INVALID_TASK otherwise', () => {
    expect([0, 1, 2, 3, 4].map(taskPriorityFromNumber)).toEqual([
      'critical',
      'high',
      'normal',
      'low',
      'background',
    ]);
    for (const bad of [5, -1, 1.5, Number.NaN]) {
      expect(() => taskPriorityFromNumber(bad)).toThrow(SwitchyardError);
    }
    expect(() => taskPriorityFromNumber(5)).toThrow(/Invalid task priority 5: expected an integer 0\.\.4/);
    try {
      taskPriorityFromNumber(7);
    } catch (error) {
      expect((error as SwitchyardError).code).toBe('SY_INVALID_TASK');
    }
  });
});

describe('TaskStatus', () => {
  it('accepts every status and rejects unknown ones', () => {
    const all = ['pending', 'queued', 'processing', 'completed', 'failed', 'cancelled', 'timeout', 'dead'];
    expect(TaskStatus.options).toEqual(all);
    for (const s of all) expect(TaskStatus.parse(s)).toBe(s);
    expect(TaskStatus.safeParse('running').success).toBe(false);
  });
});

describe('TaskRetryPolicySchema', () => {
  it('applies the spec defaults', () => {
    expect(TaskRetryPolicySchema.parse({})).toEqual({
      maxRetries: 3,
      backoffStrategy: 'exponential',
      initialDelayMs: 1000,
      maxDelayMs: 60000,
      backoffMultiplier: 2,
    });
  });

  it('accepts every backoff strategy and rejects others', () => {
    for (const s of ['fixed', 'linear', 'exponential']) {
      expect(TaskRetryPolicySchema.parse({ backoffStrategy: s }).backoffStrategy).toBe(s);
    }
    expect(paths(TaskRetryPolicySchema, { backoffStrategy: 'random' })).toEqual(['backoffStrategy']);
  });

  it('enforces int/min/positive constraints', () => {
    expect(paths(TaskRetryPolicySchema, { maxRetries: -1 })).toEqual(['maxRetries']);
    expect(paths(TaskRetryPolicySchema, { maxRetries: 1.5 })).toEqual(['maxRetries']);
    expect(TaskRetryPolicySchema.parse({ maxRetries: 0 }).maxRetries).toBe(0);
    expect(paths(TaskRetryPolicySchema, { initialDelayMs: 0 })).toEqual(['initialDelayMs']);
    expect(paths(TaskRetryPolicySchema, { maxDelayMs: 10.5 })).toEqual(['maxDelayMs']);
    expect(paths(TaskRetryPolicySchema, { backoffMultiplier: 0 })).toEqual(['backoffMultiplier']);
    expect(TaskRetryPolicySchema.parse({ backoffMultiplier: 1.5 }).backoffMultiplier).toBe(1.5);
  });
});

describe('TaskSchema', () => {
  it('applies the spec defaults', () => {
    expect(TaskSchema.parse(task)).toEqual({
      ...task,
      queue: 'default',
      priority: 'normal',
      attempts: 0,
      status: 'pending',
    });
  });

  it('accepts a complete task', () => {
    const full = {
      ...task,
      queue: 'emails-eu_1',
      priority: 'critical',
      retryPolicy: { maxRetries: 5 },
      timeoutMs: 5000,
      scheduledAt: '2026-01-31T10:00:00+02:00',
      attempts: 2,
      status: 'failed',
      metadata: { createdAt: '2026-01-31T08:00:00Z', createdBy: 'api', tags: ['eu'] },
    };
    const parsed = TaskSchema.parse(full);
    expect(parsed.retryPolicy?.backoffStrategy).toBe('exponential');
    expect(parsed.metadata?.tags).toEqual(['eu']);
  });

  it('requires id, type and rejects an empty or over-long id', () => {
    expect(paths(TaskSchema, { payload: 1 })).toEqual(['id', 'type']);
    expect(paths(TaskSchema, { ...task, id: '' })).toEqual(['id']);
    expect(paths(TaskSchema, { ...task, id: 'x'.repeat(201) })).toEqual(['id']);
    expect(TaskSchema.parse({ ...task, id: 'x'.repeat(200) }).id).toHaveLength(200);
  });

  it('requires a snake_case type', () => {
    for (const bad of ['SendEmail', 'send-email', '1send', '']) {
      expect(paths(TaskSchema, { ...task, type: bad })).toEqual(['type']);
    }
    expect(TaskSchema.parse({ ...task, type: '_internal_2' }).type).toBe('_internal_2');
  });

  it('requires a Kafka-safe queue name and says why', () => {
    for (const bad of ['Emails', 'e.mails', '-x', '9q', 'q'.repeat(101), '']) {
      expect(paths(TaskSchema, { ...task, queue: bad })).toEqual(['queue']);
    }
    expect(TaskSchema.parse({ ...task, queue: 'q'.repeat(100) }).queue).toHaveLength(100);
    const [issue] = safeParseIssues(TaskSchema, { ...task, queue: 'Emails' });
    expect(issue?.message).toContain('tasks.<queue>.<lane>');
  });

  it('enforces timeoutMs, scheduledAt, attempts, status and metadata constraints', () => {
    expect(paths(TaskSchema, { ...task, timeoutMs: 0 })).toEqual(['timeoutMs']);
    expect(paths(TaskSchema, { ...task, timeoutMs: 1.5 })).toEqual(['timeoutMs']);
    expect(paths(TaskSchema, { ...task, scheduledAt: 'tomorrow' })).toEqual(['scheduledAt']);
    expect(paths(TaskSchema, { ...task, scheduledAt: '2026-01-31' })).toEqual(['scheduledAt']);
    expect(paths(TaskSchema, { ...task, attempts: -1 })).toEqual(['attempts']);
    expect(paths(TaskSchema, { ...task, status: 'done' })).toEqual(['status']);
    expect(paths(TaskSchema, { ...task, metadata: { updatedAt: 'x', tags: [1] } })).toEqual([
      'metadata.updatedAt',
      'metadata.tags[0]',
    ]);
    expect(paths(TaskSchema, { ...task, retryPolicy: { maxRetries: -2 } })).toEqual([
      'retryPolicy.maxRetries',
    ]);
  });

  it('keeps any payload, including undefined-free primitives', () => {
    expect(TaskSchema.parse({ ...task, payload: 'text' }).payload).toBe('text');
    expect(TaskSchema.parse({ ...task, payload: null }).payload).toBeNull();
  });
});

describe('TaskExecutionResultSchema', () => {
  const result = {
    taskId: 't-1',
    status: 'completed',
    startedAt: '2026-01-31T10:00:00.123Z',
    attempt: 1,
    willRetry: false,
  };

  it('accepts a minimal and a full result', () => {
    expect(TaskExecutionResultSchema.parse(result)).toEqual(result);
    const full = {
      ...result,
      status: 'failed',
      result: { ok: false },
      error: { message: 'boom', stack: 'at x', code: 'SY_TASK_FAILED' },
      durationMs: 12,
      completedAt: '2026-01-31T10:00:01Z',
      willRetry: true,
    };
    expect(TaskExecutionResultSchema.parse(full)).toEqual(full);
  });

  it('enforces required fields and constraints', () => {
    expect(paths(TaskExecutionResultSchema, {})).toEqual([
      'taskId',
      'status',
      'startedAt',
      'attempt',
      'willRetry',
    ]);
    expect(paths(TaskExecutionResultSchema, { ...result, attempt: 0 })).toEqual(['attempt']);
    expect(paths(TaskExecutionResultSchema, { ...result, durationMs: 1.5 })).toEqual(['durationMs']);
    expect(paths(TaskExecutionResultSchema, { ...result, startedAt: 'now' })).toEqual(['startedAt']);
    expect(paths(TaskExecutionResultSchema, { ...result, completedAt: 'x' })).toEqual(['completedAt']);
    expect(paths(TaskExecutionResultSchema, { ...result, error: {} })).toEqual(['error.message']);
    expect(paths(TaskExecutionResultSchema, { ...result, status: 'ok' })).toEqual(['status']);
  });
});
