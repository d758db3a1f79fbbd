import { describe, expect, it } from 'vitest';
import { priorityWeight, QueueOrder } from './queue-order.js';

const queue = (name: string, priority: number) => ({ config: { name, priority } });

/** Names of the first `n` turns while every queue can start. */
function firstTurns(order: QueueOrder<ReturnType<typeof queue>>, n: number): string[] {
  const names: string[] = [];
  for (const q of order.turns(() => names.length < n)) names.push(q.config.name);
  return names;
}

describe('QueueOrder (QueueConfig.priority as a weight)', () => {
  it('weighs a priority p as 1 / (p + 1): lower number, larger share', () => {
    expect(priorityWeight(0)).toBe(1);
    expect(priorityWeight(1)).toBe(0.5);
    expect(priorityWeight(3)).toBe(0.25);
  });

  it('gives priority 0 twice the starts of priority 1 while both have work, interleaved', () => {
    const names = firstTurns(new QueueOrder([queue('low', 1), queue('high', 0)]), 300);
    expect(names.filter((n) => n === 'high')).toHaveLength(200);
    expect(names.filter((n) => n === 'low')).toHaveLength(100);
    // Smooth: the lower queue starts at least once in every 3 turns (never starved, no bursts).
    for (let i = 0; i + 3 <= names.length; i++) expect(names.slice(i, i + 3)).toContain('low');
  });

  it('shares 4:1 between priorities 0 and 3, and equally between equal priorities', () => {
    const fourToOne = firstTurns(new QueueOrder([queue('a', 0), queue('b', 3)]), 500);
    expect(fourToOne.filter((n) => n === 'a')).toHaveLength(400);
    const equal = firstTurns(new QueueOrder([queue('a', 2), queue('b', 2)]), 100);
    expect(equal.filter((n) => n === 'a')).toHaveLength(50);
  });

  it('gives all turns to the queue that can start when the other has no work or no room', () => {
    const started = { high: 0, low: 0 };
    const order = new QueueOrder([queue('high', 0), queue('low', 5)]);
    // low has room for 3 starts only; high for 10.
    for (const q of order.turns((c) => started[c.config.name as 'high' | 'low'] < (c.config.name === 'high' ? 10 : 3))) started[q.config.name as 'high' | 'low']++;
    expect(started).toEqual({ high: 10, low: 3 });
  });

  it('with one queue yields it while it can start', () => {
    let started = 0;
    for (const q of new QueueOrder([queue('only', 7)]).turns(() => started < 5)) {
      expect(q.config.name).toBe('only');
      started++;
    }
    expect(started).toBe(5);
  });

  it('keeps credit across calls, so shares hold over many short pump passes', () => {
    const order = new QueueOrder([queue('high', 0), queue('low', 1)]);
    const names: string[] = [];
    for (let pass = 0; pass < 150; pass++) {
      let taken = 0;
      for (const q of order.turns(() => taken < 2)) {
        names.push(q.config.name);
        taken++;
      }
    }
    expect(names.filter((n) => n === 'high')).toHaveLength(200);
    expect(names.filter((n) => n === 'low')).toHaveLength(100);
  });
});
