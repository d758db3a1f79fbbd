import { describe, expect, it } from 'vitest';
import { QueueConfigSchema } from './queue.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

const paths = (input: unknown): string[] =>
  safeParseIssues(QueueConfigSchema, input).map((issue) => issue.path);

describe('QueueConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(QueueConfigSchema.parse({ name: 'emails' })).toEqual({
      name: 'emails',
      concurrency: 5,
      priority: 0,
    });
  });

  it('applies the autoScale defaults when autoScale is given', () => {
    expect(QueueConfigSchema.parse({ name: 'emails', autoScale: {} }).autoScale).toEqual({
      enabled: false,
      minWorkers: 1,
      maxWorkers: 10,
      scaleUpThreshold: 100,
      scaleDownThreshold: 10,
    });
  });

  it('applies retry policy defaults inside defaultRetryPolicy', () => {
    const parsed = QueueConfigSchema.parse({ name: 'q', defaultRetryPolicy: { maxRetries: 1 } });
    expect(parsed.defaultRetryPolicy).toEqual({
      maxRetries: 1,
      backoffStrategy: 'exponential',
      initialDelayMs: 1000,
      maxDelayMs: 60000,
      backoffMultiplier: 2,
    });
  });

  it('requires a Kafka-safe name', () => {
    expect(paths({})).toEqual(['name']);
    expect(paths({ name: 'Emails' })).toEqual(['name']);
    expect(paths({ name: 'emails.eu' })).toEqual(['name']);
    const [issue] = safeParseIssues(QueueConfigSchema, { name: 'Emails' });
    expect(issue?.message).toMatch(/Kafka topic name tasks\.<queue>\.<lane>/);
  });

  it('enforces concurrency, priority and rateLimit constraints', () => {
    expect(paths({ name: 'q', concurrency: 0 })).toEqual(['concurrency']);
    expect(paths({ name: 'q', concurrency: 2.5 })).toEqual(['concurrency']);
    expect(paths({ name: 'q', priority: -1 })).toEqual(['priority']);
    expect(paths({ name: 'q', rateLimit: { max: 0, duration: 1000 } })).toEqual(['rateLimit.max']);
    expect(paths({ name: 'q', rateLimit: { max: 1 } })).toEqual(['rateLimit.duration']);
    expect(paths({ name: 'q', deadLetterQueue: 5 })).toEqual(['deadLetterQueue']);
  });

  it('enforces autoScale constraints', () => {
    expect(
      paths({
        name: 'q',
        autoScale: { minWorkers: 0, maxWorkers: 0, scaleUpThreshold: 0, scaleDownThreshold: -1 },
      }),
    ).toEqual([
      'autoScale.minWorkers',
      'autoScale.maxWorkers',
      'autoScale.scaleUpThreshold',
      'autoScale.scaleDownThreshold',
    ]);
    expect(paths({ name: 'q', autoScale: { enabled: 'yes' } })).toEqual(['autoScale.enabled']);
  });
});
