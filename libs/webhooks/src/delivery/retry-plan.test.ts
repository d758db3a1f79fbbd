import { describe, expect, it } from 'vitest';
import { EventWebhookConfigSchema } from '@switchyard/protocol';
import { backoffCeilingMs, backoffDelayMs } from './delivery-backoff.js';
import { parseRetryAfter } from './retry-after.js';
import { planAfterAttempt } from './retry-plan.js';
import { authHeaders } from './auth-headers.js';

/** The seed's defaults: 3 / exponential / 1000 / 60000. */
const seed = EventWebhookConfigSchema.parse({ eventPattern: '*', url: 'https://example.com/h', retryPolicy: {} }).retryPolicy!;

describe('backoff (seed retryPolicy, full jitter)', () => {
  it('the seed defaults are 3 / exponential / 1000 / 60000', () => {
    expect(seed).toEqual({ maxRetries: 3, backoffStrategy: 'exponential', initialDelayMs: 1000, maxDelayMs: 60000 });
  });

  it('exponential ceilings double from initialDelayMs up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffCeilingMs(seed, n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('fixed and linear', () => {
    expect([1, 2, 3].map((n) => backoffCeilingMs({ ...seed, backoffStrategy: 'fixed' }, n))).toEqual([1000, 1000, 1000]);
    expect([1, 2, 3].map((n) => backoffCeilingMs({ ...seed, backoffStrategy: 'linear' }, n))).toEqual([1000, 2000, 3000]);
  });

  it('full jitter: uniform in [0, ceiling]', () => {
    expect(backoffDelayMs(seed, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(seed, 3, () => 0.999999999)).toBe(4000);
    expect(backoffDelayMs(seed, 3, () => 0.5)).toBe(2000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Sun, 06 Dec 2026 12:00:30 GMT', 30_000],
    ['Sun, 06 Dec 2026 11:00:00 GMT', 0], // a past date: now
    ['999999', 3_600_000], // capped
    ['Mon, 07 Dec 2026 12:00:00 GMT', 3_600_000],
  ])('%s -> %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it.each([[undefined], [''], ['soon'], ['-5'], ['1.5']])('%s is unreadable', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('planAfterAttempt', () => {
  const failed = { outcome: 'failed' as const, error: { code: 'SY_WEBHOOK_DELIVERY_FAILED' as const, message: 'x', retriable: true } };
  it('retries attempts 1..maxRetries, then dead (a message runs at most maxRetries + 1 times)', () => {
    expect([1, 2, 3, 4].map((attempt) => planAfterAttempt({ ...failed, attempt }, seed, () => 0).action)).toEqual(['retry', 'retry', 'retry', 'dead']);
  });

  it('Retry-After wins over the backoff', () => {
    expect(planAfterAttempt({ outcome: 'throttled', attempt: 1, retryAfterMs: 90_000, error: { ...failed.error, code: 'SY_WEBHOOK_THROTTLED' } }, seed)).toEqual({ action: 'retry', delayMs: 90_000, reason: 'retry-after' });
  });

  it('success, gone, not retriable', () => {
    expect(planAfterAttempt({ outcome: 'succeeded', attempt: 9 }, seed)).toEqual({ action: 'done' });
    expect(planAfterAttempt({ outcome: 'gone', attempt: 1 }, seed)).toEqual({ action: 'disable' });
    expect(planAfterAttempt({ outcome: 'refused', attempt: 1, error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED', message: 'x', retriable: false } }, seed)).toEqual({ action: 'dead', reason: 'not-retriable' });
  });
});

describe('authHeaders', () => {
  it('none or absent sends nothing', () => {
    expect(authHeaders(undefined)).toEqual({});
    expect(authHeaders({ type: 'none' })).toEqual({});
  });

  it.each([
    ['bearer', 'token'],
    ['basic', 'username'],
    ['api-key', 'key'],
  ] as const)('%s without credentials.%s is SY_INVALID_CONFIG naming the field', (type, field) => {
    expect(() => authHeaders({ type, credentials: {} }, 'endpoint')).toThrow(expect.objectContaining({ code: 'SY_INVALID_CONFIG', message: expect.stringMatching(new RegExp(`^endpoint\\.authentication\\.credentials\\.${field}: `)) }));
  });
});
