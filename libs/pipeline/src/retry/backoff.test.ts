import { SwitchyardError, TaskRetryPolicySchema, UnrecoverableError } from '@switchyard/protocol';
import type { TaskRetryPolicy, TaskRetryPolicyInput } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { computeBackoffMs, shouldRetry } from './backoff.js';

const policy = (input: TaskRetryPolicyInput = {}): TaskRetryPolicy => TaskRetryPolicySchema.parse(input);

describe('computeBackoffMs', () => {
  it('fixed: always initialDelayMs', () => {
    const p = policy({ backoffStrategy: 'fixed', initialDelayMs: 250 });
    expect([1, 2, 3, 10].map((a) => computeBackoffMs(p, a))).toEqual([250, 250, 250, 250]);
  });

  it('linear: initialDelayMs * failedAttempt', () => {
    const p = policy({ backoffStrategy: 'linear', initialDelayMs: 100, maxDelayMs: 10_000 });
    expect([1, 2, 3, 7].map((a) => computeBackoffMs(p, a))).toEqual([100, 200, 300, 700]);
  });

  it('exponential: initialDelayMs * multiplier^(failedAttempt-1)', () => {
    const p = policy({ backoffStrategy: 'exponential', initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 1_000_000 });
    expect([1, 2, 3, 4, 5].map((a) => computeBackoffMs(p, a))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('uses the schema defaults (exponential, 1s, x2, cap 60s)', () => {
    const p = policy();
    expect([1, 2, 6, 7, 8].map((a) => computeBackoffMs(p, a))).toEqual([1000, 2000, 32000, 60000, 60000]);
  });

  it('rounds fractional multipliers to whole milliseconds', () => {
    const p = policy({ initialDelayMs: 1000, backoffMultiplier: 1.5, maxDelayMs: 100_000 });
    expect([1, 2, 3, 4].map((a) => computeBackoffMs(p, a))).toEqual([1000, 1500, 2250, 3375]);
  });

  it('caps every strategy at maxDelayMs', () => {
    expect(computeBackoffMs(policy({ backoffStrategy: 'linear', initialDelayMs: 400, maxDelayMs: 1000 }), 3)).toBe(1000);
    expect(computeBackoffMs(policy({ backoffStrategy: 'exponential', initialDelayMs: 400, maxDelayMs: 1000 }), 3)).toBe(1000);
    expect(computeBackoffMs(policy({ backoffStrategy: 'fixed', initialDelayMs: 5000, maxDelayMs: 1000 }), 1)).toBe(1000);
  });

  it('returns maxDelayMs instead of Infinity on overflow', () => {
    const p = policy({ initialDelayMs: 1000, backoffMultiplier: 10, maxDelayMs: 3_600_000 });
    expect(1000 * 10 ** 400).toBe(Infinity);
    expect(computeBackoffMs(p, 401)).toBe(3_600_000);
    expect(computeBackoffMs(p, Number.MAX_SAFE_INTEGER)).toBe(3_600_000);
    expect(computeBackoffMs(policy({ backoffStrategy: 'linear', maxDelayMs: 5000 }), Infinity)).toBe(5000);
  });

  it('keeps a multiplier of 1 fixed even for an infinite attempt (1 ** Infinity is NaN)', () => {
    expect(computeBackoffMs(policy({ initialDelayMs: 700, backoffMultiplier: 1 }), Infinity)).toBe(700);
  });

  it('never returns a negative or NaN delay', () => {
    const shrinking = policy({ initialDelayMs: 1000, backoffMultiplier: 0.5 });
    expect(computeBackoffMs(shrinking, 2)).toBe(500);
    expect(computeBackoffMs(shrinking, Infinity)).toBe(0);
    expect(computeBackoffMs(policy({ initialDelayMs: 300 }), 0)).toBe(300);
    expect(computeBackoffMs(policy({ initialDelayMs: 300 }), -5)).toBe(300);
    expect(computeBackoffMs(policy({ initialDelayMs: 300 }), Number.NaN)).toBe(300);
  });
});

describe('shouldRetry', () => {
  const p = policy({ maxRetries: 2 });

  it('retries plain Errors until maxRetries retries were spent (maxRetries + 1 attempts)', () => {
    const err = new Error('boom');
    expect(shouldRetry(p, 1, err)).toEqual({ retry: true, reason: 'retriable' });
    expect(shouldRetry(p, 2, err)).toEqual({ retry: true, reason: 'retriable' });
    expect(shouldRetry(p, 3, err)).toEqual({ retry: false, reason: 'exhausted' });
    expect(shouldRetry(p, 4, err)).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('never retries with maxRetries 0', () => {
    expect(shouldRetry(policy({ maxRetries: 0 }), 1, new Error('x'))).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('treats non-Error throwables as retriable', () => {
    expect(shouldRetry(p, 1, 'a string')).toEqual({ retry: true, reason: 'retriable' });
    expect(shouldRetry(p, 1, undefined)).toEqual({ retry: true, reason: 'retriable' });
  });

  it('does not retry an UnrecoverableError, even on the first attempt', () => {
    expect(shouldRetry(p, 1, new UnrecoverableError('customer deleted'))).toEqual({ retry: false, reason: 'unrecoverable' });
  });

  it('reports unrecoverable ahead of exhausted', () => {
    expect(shouldRetry(p, 9, new UnrecoverableError('gone'))).toEqual({ retry: false, reason: 'unrecoverable' });
  });

  it('treats a SwitchyardError with code SY_UNRECOVERABLE as unrecoverable', () => {
    expect(shouldRetry(p, 1, new SwitchyardError('SY_UNRECOVERABLE', 'x'))).toEqual({ retry: false, reason: 'unrecoverable' });
  });

  it('does not retry a SwitchyardError whose retriable flag is false', () => {
    expect(shouldRetry(p, 1, new SwitchyardError('SY_UNKNOWN_TASK_TYPE', 'no handler'))).toEqual({
      retry: false,
      reason: 'non-retriable-code',
    });
    expect(shouldRetry(p, 1, new SwitchyardError('SY_TASK_FAILED', 'x', { retriable: false }))).toEqual({
      retry: false,
      reason: 'non-retriable-code',
    });
  });

  it('retries a retriable SwitchyardError and honours a retriable override', () => {
    expect(shouldRetry(p, 1, new SwitchyardError('SY_TASK_TIMEOUT', 'slow'))).toEqual({ retry: true, reason: 'retriable' });
    expect(shouldRetry(p, 1, new SwitchyardError('SY_INVALID_TASK', 'x', { retriable: true }))).toEqual({
      retry: true,
      reason: 'retriable',
    });
  });

  it('decides on properties, not on message text', () => {
    const looksFatal = new Error('UnrecoverableError: SY_UNRECOVERABLE non-retriable');
    expect(shouldRetry(p, 1, looksFatal)).toEqual({ retry: true, reason: 'retriable' });
  });
});
