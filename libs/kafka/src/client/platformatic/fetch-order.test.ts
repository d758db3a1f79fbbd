import { describe, expect, it } from 'vitest';
import { fetchOrder } from './fetch-order.js';

const tp = (topic: string, partition: number) => ({ topic, partition });
const names = (list: readonly { topic: string; partition: number }[]) => list.map((t) => `${t.topic}/${t.partition}`);

describe('fetchOrder', () => {
  const targets = [tp('bg', 0), tp('bg', 1), tp('bg', 2), tp('crit', 0), tp('crit', 1)];
  const rank = (topic: string) => (topic === 'crit' ? 0 : 4);

  it('puts lower ranks first and keeps the given order on turn 0', () => {
    expect(names(fetchOrder(targets, rank, 0))).toEqual(['crit/0', 'crit/1', 'bg/0', 'bg/1', 'bg/2']);
  });

  it('rotates each rank group by the turn, so every partition of a group leads in turn', () => {
    expect(names(fetchOrder(targets, rank, 1))).toEqual(['crit/1', 'crit/0', 'bg/1', 'bg/2', 'bg/0']);
    expect(names(fetchOrder(targets, rank, 2))).toEqual(['crit/0', 'crit/1', 'bg/2', 'bg/0', 'bg/1']);
    const leaders = [0, 1, 2, 3, 4, 5].map((turn) => fetchOrder(targets, rank, turn)[2]!.partition);
    expect(leaders).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('without a rank, rotates all targets as one group', () => {
    expect(names(fetchOrder(targets, undefined, 3))).toEqual(['crit/0', 'crit/1', 'bg/0', 'bg/1', 'bg/2']);
    expect(names(fetchOrder(targets, undefined, 4))).toEqual(['crit/1', 'bg/0', 'bg/1', 'bg/2', 'crit/0']);
  });

  it('returns nothing for nothing', () => {
    expect(fetchOrder([], rank, 7)).toEqual([]);
  });
});
