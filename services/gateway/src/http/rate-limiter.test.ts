import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows max requests per credential per window, then SY_RATE_LIMITED with Retry-After; a new window resets', () => {
    let now = 10_000;
    const limiter = new RateLimiter({ max: 3, windowMs: 1_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.take('a')['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    now = 10_400;
    expect(() => limiter.take('a')).toThrow(expect.objectContaining({ code: 'SY_RATE_LIMITED', headers: expect.objectContaining({ 'retry-after': '1' }) }));
    expect(limiter.take('b')['x-ratelimit-remaining']).toBe('2');
    now = 11_000;
    expect(limiter.take('a')['x-ratelimit-remaining']).toBe('2');
  });
});
