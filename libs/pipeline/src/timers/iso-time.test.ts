import { describe, expect, it } from 'vitest';
import { isoAt, isoNow } from './iso-time.js';

describe('isoAt', () => {
  it('gives what Date#toISOString gives, for the same millisecond and for changing ones', () => {
    for (const ms of [0, 1, 1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_001, 1_699_999_999_999, 8.64e15, -1]) {
      expect(isoAt(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('isoNow is the ISO text of a millisecond between the calls around it', () => {
    const before = Date.now();
    const text = isoNow();
    const after = Date.now();
    const ms = Date.parse(text);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
    expect(text).toBe(new Date(ms).toISOString());
  });

  it('throws as toISOString does for a time Date cannot hold', () => {
    expect(() => isoAt(Number.NaN)).toThrow(RangeError);
    expect(() => isoAt(8.64e15 + 1)).toThrow(RangeError);
  });
});
