import { describe, expect, it } from 'vitest';
import { TickClock } from './tick-clock.js';

const iso = (ms: readonly number[]) => ms.map((t) => new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

describe('TickClock', () => {
  it('cron in America/New_York: 02:30 does not exist on spring-forward day and fires once at 03:00 EDT', () => {
    const clock = new TickClock({ type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' }, 0);
    expect(iso(clock.between(at('2026-03-07T00:00:00Z'), at('2026-03-10T00:00:00Z'), 10))).toEqual([
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT, the first valid instant after the skipped 02:30
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ]);
  });

  it('cron in America/New_York: 01:30 happens twice on fall-back day and fires once', () => {
    const clock = new TickClock({ type: 'cron', expression: '30 1 * * *', timezone: 'America/New_York' }, 0);
    expect(iso(clock.between(at('2026-10-31T00:00:00Z'), at('2026-11-03T00:00:00Z'), 10))).toEqual([
      '2026-10-31T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T05:30:00.000Z', // 01:30 EDT (the first of the two 01:30s), not again at 06:30Z
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('cron in Europe/Berlin: spring-forward skips 02:30 local, fall-back fires 02:30 local once', () => {
    const spring = new TickClock({ type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' }, 0);
    expect(iso(spring.between(at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'), 10))).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    const fall = new TickClock({ type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' }, 0);
    expect(iso(fall.between(at('2026-10-24T00:00:00Z'), at('2026-10-27T00:00:00Z'), 10))).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first of the two
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('an hourly cron keeps firing every real hour across DST (no hour lost or doubled in UTC terms)', () => {
    const clock = new TickClock({ type: 'cron', expression: '0 * * * *', timezone: 'Europe/Berlin' }, 0);
    const ticks = clock.between(at('2026-10-24T22:00:00Z'), at('2026-10-25T04:00:00Z'), 100);
    expect(ticks.length).toBe(6);
    expect(new Set(ticks).size).toBe(6);
  });

  it('cron with seconds, in UTC by default', () => {
    const clock = new TickClock({ type: 'cron', expression: '*/15 * * * * *', timezone: 'UTC' }, 0);
    expect(iso(clock.between(at('2026-01-01T00:00:00Z'), at('2026-01-01T00:00:45Z'), 10))).toEqual([
      '2026-01-01T00:00:15.000Z',
      '2026-01-01T00:00:30.000Z',
      '2026-01-01T00:00:45.000Z',
    ]);
  });

  it('interval ticks are anchored, not drifting with the caller', () => {
    const clock = new TickClock({ type: 'interval', intervalMs: 1_000 }, 10_500);
    expect(clock.nextAfter(0)).toBe(11_500);
    expect(clock.nextAfter(11_500)).toBe(12_500);
    expect(clock.nextAfter(11_999)).toBe(12_500);
    expect(clock.between(11_500, 14_500, 10)).toEqual([12_500, 13_500, 14_500]);
  });

  it('a once schedule has exactly one tick', () => {
    const clock = new TickClock({ type: 'once', at: '2026-05-01T10:00:00Z' }, 0);
    expect(clock.between(0, at('2027-01-01T00:00:00Z'), 10)).toEqual([at('2026-05-01T10:00:00Z')]);
    expect(clock.nextAfter(at('2026-05-01T10:00:00Z'))).toBeUndefined();
  });
});
