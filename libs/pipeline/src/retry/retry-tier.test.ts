import { RETRY_TIERS } from '@switchyard/kafka';
import type { RetryTier } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { chooseTier, nextHop, tierDueAt } from './retry-tier.js';

const SEC = 1000;
const MIN = 60 * SEC;

describe('chooseTier', () => {
  it('picks the longest tier not longer than the remaining time', () => {
    expect(chooseTier(1 * SEC)?.name).toBe('1s');
    expect(chooseTier(4999)?.name).toBe('1s');
    expect(chooseTier(5 * SEC)?.name).toBe('5s');
    expect(chooseTier(29_999)?.name).toBe('5s');
    expect(chooseTier(30 * SEC)?.name).toBe('30s');
    expect(chooseTier(2 * MIN + 1)?.name).toBe('2m');
    expect(chooseTier(59 * MIN)?.name).toBe('10m');
    expect(chooseTier(60 * MIN)?.name).toBe('1h');
    expect(chooseTier(48 * 60 * MIN)?.name).toBe('1h');
  });

  it('returns undefined below the shortest tier', () => {
    expect(chooseTier(999)).toBeUndefined();
    expect(chooseTier(0)).toBeUndefined();
    expect(chooseTier(-5)).toBeUndefined();
  });

  it('accepts custom, unsorted tiers and an empty list', () => {
    const tiers: RetryTier[] = [
      { name: 'b', delayMs: 200 },
      { name: 'a', delayMs: 50 },
      { name: 'c', delayMs: 1000 },
    ];
    expect(chooseTier(999, tiers)?.name).toBe('b');
    expect(chooseTier(60, tiers)?.name).toBe('a');
    expect(chooseTier(10_000, [])).toBeUndefined();
  });
});

describe('tierDueAt', () => {
  it('adds the tier delay to the record timestamp', () => {
    expect(tierDueAt(1_700_000_000_000, RETRY_TIERS[1]!)).toBe(1_700_000_005_000);
    expect(tierDueAt(0, { name: '1h', delayMs: 3_600_000 })).toBe(3_600_000);
  });
});

describe('nextHop', () => {
  const now = 1_700_000_000_000;

  it('runs when due or overdue', () => {
    expect(nextHop(now, now)).toEqual({ kind: 'run' });
    expect(nextHop(now - 10, now)).toEqual({ kind: 'run' });
  });

  it('waits in memory below the shortest tier', () => {
    expect(nextHop(now + 1, now)).toEqual({ kind: 'wait', ms: 1 });
    expect(nextHop(now + 999, now)).toEqual({ kind: 'wait', ms: 999 });
  });

  it('parks in the longest fitting tier otherwise', () => {
    expect(nextHop(now + 1000, now)).toEqual({ kind: 'tier', tier: RETRY_TIERS[0] });
    expect(nextHop(now + 7 * MIN, now)).toEqual({ kind: 'tier', tier: { name: '2m', delayMs: 120_000 } });
  });

  it('always waits when there are no tiers', () => {
    expect(nextHop(now + 10 * MIN, now, [])).toEqual({ kind: 'wait', ms: 10 * MIN });
  });

  it('never runs early and reaches the target exactly when each hop is processed instantly', () => {
    for (const delay of [1, 999, 1000, 1001, 6_500, 37_250, 2 * MIN + 3, 75 * MIN + 4321, 5 * 60 * MIN + 7]) {
      const target = now + delay;
      let clock = now;
      const path: string[] = [];
      for (let hop = nextHop(target, clock); hop.kind !== 'run'; hop = nextHop(target, clock)) {
        if (hop.kind === 'wait') {
          path.push(`wait:${hop.ms}`);
          clock += hop.ms;
        } else {
          path.push(hop.tier.name);
          clock = tierDueAt(clock, hop.tier); // record timestamp = produce time = clock
        }
        expect(clock).toBeLessThanOrEqual(target);
        expect(path.length).toBeLessThan(200);
      }
      expect(clock).toBe(target);
    }
  });

  it('routes 37.25s as 30s, 5s, 1s, 1s, then a 250ms in-memory wait', () => {
    const target = now + 37_250;
    let clock = now;
    const path: string[] = [];
    for (let hop = nextHop(target, clock); hop.kind !== 'run'; hop = nextHop(target, clock)) {
      path.push(hop.kind === 'tier' ? hop.tier.name : `wait:${hop.ms}`);
      clock = hop.kind === 'tier' ? tierDueAt(clock, hop.tier) : clock + hop.ms;
    }
    expect(path).toEqual(['30s', '5s', '1s', '1s', 'wait:250']);
  });

  it('rejects non-finite times with SY_INVALID_TASK', () => {
    for (const [notBefore, at] of [
      [Number.NaN, now],
      [Infinity, now],
      [now, Number.NaN],
    ] as const) {
      let caught: unknown;
      try {
        nextHop(notBefore, at);
      } catch (err) {
        caught = err;
      }
      expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_TASK');
    }
  });
});
