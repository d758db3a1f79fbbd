import { describe, expect, it } from 'vitest';
import { parseTimePoint } from './time-option.js';

const NOW = Date.parse('2024-05-10T12:00:00Z');

describe('parseTimePoint', () => {
  it.each([
    ['45s', NOW - 45_000],
    ['30m', NOW - 30 * 60_000],
    ['2h', NOW - 2 * 3_600_000],
    ['7d', NOW - 7 * 86_400_000],
    ['0s', NOW],
  ])('reads the relative duration %s as a time before now', (value, expected) => {
    expect(parseTimePoint(value, NOW)).toBe(expected);
  });

  it.each([
    ['2024-05-01', Date.parse('2024-05-01T00:00:00Z')],
    ['2024-05-01T10:00:00Z', Date.parse('2024-05-01T10:00:00Z')],
    ['2024-05-01T10:00:00.123+02:00', Date.parse('2024-05-01T08:00:00.123Z')],
  ])('reads the ISO date %s', (value, expected) => {
    expect(parseTimePoint(value, NOW)).toBe(expected);
  });

  it('reads the compound durations the replay and offsets commands read too (one shared parser)', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseTimePoint('2h30m', now)).toBe(now - 9_000_000);
    expect(parseTimePoint('5w', now)).toBe(now - 5 * 604_800_000);
    expect(parseTimePoint('PT2H', now)).toBe(now - 7_200_000);
  });

  it.each(['abc', '', '-2h', '2024-13-45', 'yesterday', '1714550400000'])('refuses %j', (value) => {
    expect(parseTimePoint(value, NOW)).toBeUndefined();
  });
});
