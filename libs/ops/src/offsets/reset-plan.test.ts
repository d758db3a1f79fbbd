import { describe, expect, it } from 'vitest';
import { planReset, resetStrategyOf, type PartitionState } from './reset-plan.js';

const NOW = Date.UTC(2024, 4, 1, 12);
const STATES: PartitionState[] = [
  { partition: 0, current: 50n, low: 10n, high: 100n, atTimestamp: 60n },
  { partition: 1, current: undefined, low: 0n, high: 20n },
];
const next = (strategy: Parameters<typeof planReset>[0]) => planReset(strategy, STATES).map((p) => p.next);

describe('resetStrategyOf', () => {
  it('reads each target flag', () => {
    expect(resetStrategyOf({ toEarliest: true }, NOW)).toEqual({ kind: 'earliest' });
    expect(resetStrategyOf({ toLatest: true }, NOW)).toEqual({ kind: 'latest' });
    expect(resetStrategyOf({ toDatetime: '2024-05-01T00:00:00Z' }, NOW)).toEqual({ kind: 'timestamp', timestampMs: Date.UTC(2024, 4, 1) });
    expect(resetStrategyOf({ byDuration: 'PT2H' }, NOW)).toEqual({ kind: 'timestamp', timestampMs: NOW - 7_200_000 });
    expect(resetStrategyOf({ byDuration: '30m' }, NOW)).toEqual({ kind: 'timestamp', timestampMs: NOW - 1_800_000 });
    expect(resetStrategyOf({ shiftBy: '-5' }, NOW)).toEqual({ kind: 'shift', by: -5n });
    expect(resetStrategyOf({ toOffset: '42' }, NOW)).toEqual({ kind: 'offset', offset: 42n });
  });

  it.each([{}, { toEarliest: true, toLatest: true }, { shiftBy: 'x' }, { toDatetime: 'noon' }, { byDuration: '2024-01-01' }])('rejects %j (exit 2)', (flags) => {
    expect(() => resetStrategyOf(flags, NOW)).toThrow(expect.objectContaining({ code: 'SY_INVALID_ARGUMENT' }));
  });
});

describe('planReset', () => {
  it('moves to the log bounds', () => {
    expect(next({ kind: 'earliest' })).toEqual([10n, 0n]);
    expect(next({ kind: 'latest' })).toEqual([100n, 20n]);
  });

  it('uses the offset at the timestamp, the log end when nothing is that recent', () => {
    expect(next({ kind: 'timestamp', timestampMs: 0 })).toEqual([60n, 20n]);
  });

  it('clamps shifts and explicit offsets to [low, high]', () => {
    expect(next({ kind: 'shift', by: -45n })).toEqual([10n, 0n]);
    expect(next({ kind: 'shift', by: 5n })).toEqual([55n, 5n]);
    expect(next({ kind: 'offset', offset: 15n })).toEqual([15n, 15n]);
    expect(next({ kind: 'offset', offset: 1_000n })).toEqual([100n, 20n]);
  });

  it('keeps the current offset for the plan', () => {
    expect(planReset({ kind: 'latest' }, STATES).map((p) => p.current)).toEqual([50n, undefined]);
  });
});
