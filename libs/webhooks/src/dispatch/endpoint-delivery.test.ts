import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './endpoint-delivery.js';

const policy = { maxRetries: 5, backoffStrategy: 'exponential' as const, initialDelayMs: 1_000, maxDelayMs: 60_000 };

describe('jitteredBackoffMs', () => {
  it('the backoff the bus waits anyway, plus a jitter uniform in [0, backoff / 2]', () => {
    expect([1, 2, 3].map((n) => jitteredBackoffMs(policy, n, () => 0))).toEqual([1_000, 2_000, 4_000]);
    expect([1, 2, 3].map((n) => jitteredBackoffMs(policy, n, () => 0.999999))).toEqual([1_500, 3_000, 6_000]);
    expect(jitteredBackoffMs(policy, 10, () => 0.5)).toBe(60_000 + 15_000);
    expect(jitteredBackoffMs({ ...policy, backoffStrategy: 'fixed', initialDelayMs: 50, maxDelayMs: 50 }, 7, () => 0.999999)).toBe(75);
  });
});
