import { describe, expect, it } from 'vitest';
import { NextTurn } from './next-turn.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('NextTurn', () => {
  it('runs once on the next turn however often it is asked for, and again when asked after that', async () => {
    let runs = 0;
    const turn = new NextTurn(() => runs++);
    turn.schedule();
    turn.schedule();
    turn.schedule();
    expect(runs).toBe(0);
    await nextTurn();
    expect(runs).toBe(1);
    turn.schedule();
    await nextTurn();
    expect(runs).toBe(2);
  });

  it('takes a request made while it runs for the turn after', async () => {
    let runs = 0;
    const turn = new NextTurn(() => {
      if (++runs === 1) turn.schedule();
    });
    turn.schedule();
    await nextTurn();
    expect(runs).toBe(1);
    await nextTurn();
    expect(runs).toBe(2);
  });
});
