import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '@switchyard/protocol';
import { RETRY_AFTER_CAP_MS, retryAfter, retryAfterOf } from './retry-after.js';

describe('retryAfterOf', () => {
  it('reads an own numeric retryAfterMs >= 0, rounded up and capped at the longest retry tier', () => {
    expect(retryAfterOf(retryAfter(new Error('x'), 3000))).toBe(3000);
    expect(retryAfterOf(Object.assign(new Error('x'), { retryAfterMs: 0 }))).toBe(0);
    expect(retryAfterOf({ retryAfterMs: 12.2 })).toBe(13);
    expect(retryAfterOf({ retryAfterMs: 10 * RETRY_AFTER_CAP_MS })).toBe(RETRY_AFTER_CAP_MS);
    expect(RETRY_AFTER_CAP_MS).toBe(3_600_000);
  });

  it('ignores anything else: no property, inherited, not a number, negative, NaN, Infinity, not an object', () => {
    expect(retryAfterOf(new Error('x'))).toBeUndefined();
    expect(retryAfterOf(Object.create({ retryAfterMs: 5000 }))).toBeUndefined();
    for (const v of ['5000', -1, Number.NaN, Number.POSITIVE_INFINITY, null]) expect(retryAfterOf({ retryAfterMs: v })).toBeUndefined();
    for (const e of [undefined, null, 'oops', 42]) expect(retryAfterOf(e)).toBeUndefined();
  });
});

describe('retryAfter', () => {
  it('refuses a wait that is not a finite number >= 0, naming ms', () => {
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let thrown: unknown;
      try {
        retryAfter(new Error('x'), ms);
      } catch (error) {
        thrown = error;
      }
      expect(isSwitchyardError(thrown) && thrown.code === 'SY_INVALID_CONFIG' && thrown.message.includes('ms must be')).toBe(true);
    }
  });
});
