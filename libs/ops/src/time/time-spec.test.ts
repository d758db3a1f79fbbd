import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '@switchyard/protocol';
import { parseDateTimeMs, parseDurationFlag, parseDurationMs, parseInstant } from './time-spec.js';

describe('parseDurationMs', () => {
  it.each([
    ['2h', 7_200_000],
    ['30m', 1_800_000],
    ['1d12h', 129_600_000],
    ['90s', 90_000],
    ['1.5h', 5_400_000],
    ['PT2H', 7_200_000],
    ['P1DT6H30M', 109_800_000],
    ['P1W', 604_800_000],
    ['pt15m', 900_000],
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', 'h', '2x', 'P', 'PT', '2024-05-01', 'yesterday'])('%j is no duration', (text) => expect(parseDurationMs(text)).toBeUndefined());
});

describe('parseDateTimeMs', () => {
  it('reads ISO datetimes with and without zone', () => {
    expect(parseDateTimeMs('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseDateTimeMs('2024-05-01T12:00:00.000+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseDateTimeMs('2024-05-01T10:00')).toBe(new Date(2024, 4, 1, 10).getTime());
  });

  it.each(['2024-13-01T00:00:00Z', 'May 1 2024', '1714557600000', '2h'])('rejects %j', (text) => expect(parseDateTimeMs(text)).toBeUndefined());
});

describe('parseInstant', () => {
  const now = Date.UTC(2024, 4, 1, 12);

  it('takes a duration as that long before now', () => expect(parseInstant('2h', 'from', now)).toBe(Date.UTC(2024, 4, 1, 10)));

  it('takes an ISO datetime as is', () => expect(parseInstant('2024-05-01T00:00:00Z', 'from', now)).toBe(Date.UTC(2024, 4, 1)));

  it('names the flag of a bad value (exit 2)', () => {
    const error = (() => {
      try {
        parseInstant('soon', 'to', now);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'SY_INVALID_ARGUMENT', message: expect.stringMatching(/^`to`: 'soon'/) });
    expect(() => parseDurationFlag('2024-05-01', 'byDuration')).toThrow(/^`byDuration`: '2024-05-01' is not a duration/);
  });
});
