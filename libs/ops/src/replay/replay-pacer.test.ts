import { describe, expect, it } from 'vitest';
import { ReplayPacer } from './replay-pacer.js';

describe('ReplayPacer', () => {
  it('never waits without rate or speed', () => {
    const pacer = new ReplayPacer({});
    expect(pacer.unpaced).toBe(true);
    expect(pacer.delayFor(0)).toBe(0);
  });

  it('spaces writes by 1/rate', () => {
    const pacer = new ReplayPacer({ rate: 100 }, () => 1_000);
    expect([pacer.delayFor(0), pacer.delayFor(0), pacer.delayFor(0)]).toEqual([0, 10, 20]);
  });

  it('keeps the timestamp spacing divided by speed', () => {
    let now = 0;
    const pacer = new ReplayPacer({ speed: 2 }, () => now);
    expect(pacer.delayFor(10_000)).toBe(0);
    expect(pacer.delayFor(11_000)).toBe(500);
    now = 500;
    expect(pacer.delayFor(14_000)).toBe(1_500);
  });
});
