import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS } from '@switchyard/protocol';
import { longTimeout, settledWithin, timerDelayMs, waitUntil } from './long-timeout.js';

describe('timerDelayMs', () => {
  it('keeps a delay setTimeout can take; NaN and negatives are 0, longer ones 2^31-1', () => {
    expect([1_000, 0, -5, Number.NaN, MAX_TIMER_MS, MAX_TIMER_MS + 1, Number.POSITIVE_INFINITY].map(timerDelayMs)).toEqual([1_000, 0, 0, 0, MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS]);
  });
});

describe('longTimeout (fake timers: a delay beyond 2^31-1 ms fires after 1 ms, as in Node)', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('a short delay is one ordinary timer', () => {
    const fired = vi.fn();
    const armed = vi.spyOn(globalThis, 'setTimeout');
    longTimeout(fired, 250);
    expect(armed.mock.calls.map((c) => c[1])).toEqual([250]);
    vi.advanceTimersByTime(249);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();
  });

  it('a delay beyond 2^31-1 ms runs once when due, never early; clear() stops it between re-arms', () => {
    const fired = vi.fn();
    const delay = 3 * MAX_TIMER_MS + 7;
    longTimeout(fired, delay);
    vi.advanceTimersByTime(delay - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledOnce();

    const cleared = vi.fn();
    const timer = longTimeout(cleared, delay);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    timer.clear();
    vi.advanceTimersByTime(delay);
    expect(cleared).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('settledWithin', () => {
  it('true when the work settles in time, its rejection thrown; false when time runs out first', async () => {
    await expect(settledWithin(Promise.resolve(1), 1_000)).resolves.toBe(true);
    await expect(settledWithin(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
    let late: () => void = () => undefined;
    const hanging = new Promise<void>((_, reject) => (late = () => reject(new Error('too late'))));
    await expect(settledWithin(hanging, 20)).resolves.toBe(false);
    late(); // a rejection after the time ran out is dropped, not unhandled
  });
});

describe('waitUntil', () => {
  afterEach(() => vi.restoreAllMocks());

  it('waits again when the timer fires before the wall clock reaches notBefore: never early', async () => {
    const start = Date.now();
    // The wall clock as the waiter reads it: the first wake-up lands 1 ms short of notBefore.
    const readings = [start, start + 19, start + 20];
    const seen: number[] = [];
    vi.spyOn(Date, 'now').mockImplementation(() => {
      const now = readings.shift() ?? start + 20;
      seen.push(now);
      return now;
    });
    expect(await waitUntil(start + 20, new AbortController().signal)).toBe(true);
    expect(seen).toEqual([start, start + 19, start + 20]);
  });

  it('is false when the signal aborts first, true at once for a time already passed', async () => {
    const controller = new AbortController();
    const waiting = waitUntil(Date.now() + 60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(await waitUntil(Date.now() - 1, new AbortController().signal)).toBe(true);
  });
});
