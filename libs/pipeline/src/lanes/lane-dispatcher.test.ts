import { describe, expect, it } from 'vitest';
import type { TaskPriority } from '@switchyard/protocol';
import { LaneDispatcher } from './lane-dispatcher.js';

const dispatcher = (minLowerLaneShare = 0, bufferSize = 100) => new LaneDispatcher<string>({ bufferSize, minLowerLaneShare });

function drain(d: LaneDispatcher<string>): string[] {
  const out: string[] = [];
  for (let item = d.next(); item !== undefined; item = d.next()) out.push(item);
  return out;
}

function fill(d: LaneDispatcher<string>, lane: TaskPriority, count: number, prefix = lane): void {
  for (let i = 0; i < count; i++) d.push(lane, `${prefix}${i}`);
}

describe('LaneDispatcher', () => {
  it('hands out the most urgent lane first, each lane in arrival order', () => {
    const d = dispatcher();
    d.push('normal', 'n0');
    d.push('background', 'b0');
    d.push('low', 'l0');
    d.push('critical', 'c0');
    d.push('normal', 'n1');
    d.push('high', 'h0');
    d.push('critical', 'c1');
    expect(drain(d)).toEqual(['c0', 'c1', 'h0', 'n0', 'n1', 'l0', 'b0']);
    expect(d.next()).toBeUndefined();
  });

  it('without a lower-lane share, a lower lane waits until every higher one is empty', () => {
    const d = dispatcher(0);
    fill(d, 'normal', 3);
    fill(d, 'critical', 30);
    expect(drain(d)).toEqual([...Array.from({ length: 30 }, (_, i) => `critical${i}`), 'normal0', 'normal1', 'normal2']);
  });

  it('gives every ceil(1/share)-th pick to the lower lanes while a higher lane has work (share 0.1: 1 in 10)', () => {
    const d = dispatcher(0.1);
    fill(d, 'normal', 5);
    fill(d, 'critical', 40);
    const picks = drain(d);
    // The 10th, 20th, 30th and 40th picks go to the normal lane; the rest to the critical lane.
    expect(picks.slice(0, 44).map((p, i) => (p.startsWith('normal') ? i + 1 : 0)).filter(Boolean)).toEqual([10, 20, 30, 40]);
    expect(picks.slice(0, 9).every((p) => p.startsWith('critical'))).toBe(true);
    // Once the critical lane is empty the normal lane runs on its own.
    expect(picks.slice(-1)).toEqual(['normal4']);
    expect(picks).toHaveLength(45);
  });

  it("a lower lane's pick takes the longest-waiting item of all lower lanes, not the most urgent lane", () => {
    const d = dispatcher(0.5);
    d.push('background', 'b0');
    d.push('normal', 'n0');
    fill(d, 'critical', 4);
    // Every 2nd pick goes below: first the background item (it came first), then the normal one.
    expect(drain(d)).toEqual(['critical0', 'b0', 'critical1', 'n0', 'critical2', 'critical3']);
  });

  it('puts an item back at the head of its lane, ahead of what came before it', () => {
    const d = dispatcher(0.5);
    fill(d, 'normal', 2);
    const first = d.next()!;
    expect(first).toBe('normal0');
    d.push('low', 'l0');
    d.unshift('normal', first);
    fill(d, 'critical', 2);
    // The put-back item is the oldest of the lower lanes now: the guard's pick takes it before l0.
    // The count of picks since the last lower one carries over when the critical lane empties:
    // with normal on top, the next pick is the guard's again, and takes l0.
    expect(drain(d)).toEqual(['critical0', 'normal0', 'critical1', 'l0', 'normal1']);
  });

  it('counts a lane full at bufferSize and with room below it', () => {
    const d = dispatcher(0, 3);
    fill(d, 'high', 2);
    expect(d.isFull('high')).toBe(false);
    expect(d.hasRoom('high')).toBe(true);
    d.push('high', 'h2');
    expect(d.isFull('high')).toBe(true);
    expect(d.hasRoom('high')).toBe(false);
    expect(d.hasRoom('normal')).toBe(true);
    expect([d.size('high'), d.size('normal'), d.size()]).toEqual([3, 0, 3]);
    d.next();
    expect(d.hasRoom('high')).toBe(true);
  });

  it('drops the items that match from every lane and hands them back', () => {
    const d = dispatcher();
    d.push('critical', 'p0:a');
    d.push('normal', 'p1:b');
    d.push('normal', 'p0:c');
    d.push('low', 'p0:d');
    expect(d.drop((item) => item.startsWith('p0:')).toSorted()).toEqual(['p0:a', 'p0:c', 'p0:d']);
    expect(d.size()).toBe(1);
    expect(drain(d)).toEqual(['p1:b']);
  });
});
