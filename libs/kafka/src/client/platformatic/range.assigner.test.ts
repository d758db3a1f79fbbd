import { describe, expect, it } from 'vitest';
import { rangeAssigner } from './range.assigner.js';

describe('rangeAssigner', () => {
  it("splits each topic's partitions into ranges over the members sorted by id, equal for topics of equal size", () => {
    const members = new Map(['m-b', 'm-a', 'm-c'].map((memberId) => [memberId, { memberId, version: 0, topics: ['x', 'y'] }]));
    const metadata = { topics: new Map([['x', { partitionsCount: 7 }], ['y', { partitionsCount: 7 }]]) } as never;
    const out = new Map(rangeAssigner('m-a', members, new Set(['x', 'y']), metadata).map((a) => [a.memberId, Object.fromEntries([...a.assignments].map(([t, g]) => [t, g.partitions]))]));
    expect(out.get('m-a')).toEqual({ x: [0, 1, 2], y: [0, 1, 2] });
    expect(out.get('m-b')).toEqual({ x: [3, 4], y: [3, 4] });
    expect(out.get('m-c')).toEqual({ x: [5, 6], y: [5, 6] });
  });
});
