import { describe, expect, it } from 'vitest';
import { FifoRing } from './fifo-ring.js';

/** Drains the ring, item and number each. */
function drain<T>(ring: FifoRing<T>): [T, number][] {
  const out: [T, number][] = [];
  while (ring.length > 0) {
    const seq = ring.headSeq()!;
    out.push([ring.shift()!, seq]);
  }
  return out;
}

describe('FifoRing', () => {
  it('gives items back in the order pushed, with their numbers, across growth and wrap-around', () => {
    const ring = new FifoRing<string>(4);
    const expected: [string, number][] = [];
    // Interleave pushes and shifts so the head wraps around the ring before it grows.
    for (let i = 0; i < 3; i++) ring.push(`a${i}`, i);
    expect(ring.shift()).toBe('a0');
    expect(ring.shift()).toBe('a1');
    for (let i = 3; i < 40; i++) ring.push(`a${i}`, i);
    expected.push(['a2', 2]);
    for (let i = 3; i < 40; i++) expected.push([`a${i}`, i]);
    expect(ring.length).toBe(38);
    expect(drain(ring)).toEqual(expected);
    expect(ring.shift()).toBeUndefined();
    expect(ring.headSeq()).toBeUndefined();
  });

  it('unshift puts an item back at the head, also when the head is at slot 0 and when full', () => {
    const ring = new FifoRing<string>(2);
    ring.push('b', 1);
    ring.unshift('a', -1);
    ring.unshift('z', -2);
    ring.push('c', 2);
    expect(drain(ring)).toEqual([
      ['z', -2],
      ['a', -1],
      ['b', 1],
      ['c', 2],
    ]);
  });

  it('remove takes out matching items in order and keeps the rest in order with their numbers', () => {
    const ring = new FifoRing<number>(4);
    for (let i = 0; i < 3; i++) ring.push(i, i);
    ring.shift();
    for (let i = 3; i < 10; i++) ring.push(i, i * 10);
    expect(ring.remove((n) => n % 3 === 0)).toEqual([3, 6, 9]);
    expect(drain(ring)).toEqual([
      [1, 1],
      [2, 2],
      [4, 40],
      [5, 50],
      [7, 70],
      [8, 80],
    ]);
  });

  it('keeps a steady push/shift of 100,000 items behind 100,000 queued in order', () => {
    const ring = new FifoRing<number>();
    for (let i = 0; i < 100_000; i++) ring.push(i, i);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      ring.push(i, i);
      sum += ring.shift()!;
    }
    expect(sum).toBe((100_000 * 99_999) / 2);
    expect(ring.length).toBe(100_000);
  });
});
