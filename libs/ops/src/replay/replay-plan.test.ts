import { describe, expect, it } from 'vitest';
import { remainingOffsets, spansFromOffsets, spansFromTimes, withProgress } from './replay-plan.js';

const LOG = [
  { partition: 0, low: '10', high: '100' },
  { partition: 1, low: '0', high: '50' },
];

describe('spansFromOffsets', () => {
  it('makes the inclusive --to-offset exclusive and clamps to the log', () => {
    expect(spansFromOffsets([{ partition: 0, first: 20n, last: 29n }], LOG)).toEqual([{ partition: 0, start: 20n, end: 30n }]);
    expect(spansFromOffsets([{ partition: 0, first: 0n, last: 500n }], LOG)).toEqual([{ partition: 0, start: 10n, end: 100n }]);
    expect(spansFromOffsets([{ partition: 1, first: 5n }], LOG)).toEqual([{ partition: 1, start: 5n, end: 50n }]);
    expect(spansFromOffsets([{ partition: 1, first: 70n }], LOG)).toEqual([{ partition: 1, start: 50n, end: 50n }]);
  });

  it('rejects an unknown partition (exit 2)', () => {
    expect(() => spansFromOffsets([{ partition: 2, first: 0n }], LOG)).toThrow(expect.objectContaining({ code: 'SY_INVALID_ARGUMENT' }));
  });
});

describe('spansFromTimes', () => {
  it('reads from the offset at --from up to the offset at --to (or the log end)', () => {
    const atFrom = new Map([[0, 40n], [1, 50n]]);
    expect(spansFromTimes(LOG, atFrom)).toEqual([
      { partition: 0, start: 40n, end: 100n },
      { partition: 1, start: 50n, end: 50n },
    ]);
    expect(spansFromTimes(LOG, atFrom, new Map([[0, 60n], [1, 50n]]))).toEqual([
      { partition: 0, start: 40n, end: 60n },
      { partition: 1, start: 50n, end: 50n },
    ]);
  });
});

describe('withProgress', () => {
  const spans = [
    { partition: 0, start: 40n, end: 100n },
    { partition: 1, start: 50n, end: 50n },
    { partition: 2, start: 0n, end: 10n },
  ];

  it('drops empty spans and starts at the committed progress of an earlier run', () => {
    const plan = withProgress(spans, new Map([[0, 70n], [2, 99n]]));
    expect(plan).toEqual([
      { partition: 0, start: 40n, end: 100n, position: 70n },
      { partition: 2, start: 0n, end: 10n, position: 10n },
    ]);
    expect(remainingOffsets({ topic: 't', group: 'g', resumed: true, partitions: plan })).toBe(30);
  });

  it('ignores progress from before the range', () => {
    expect(withProgress(spans.slice(0, 1), new Map([[0, 5n]]))[0]!.position).toBe(40n);
  });
});
