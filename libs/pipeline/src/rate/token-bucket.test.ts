import { isSwitchyardError } from '@switchyard/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket, shareOfLimit } from './token-bucket.js';

function manualClock(start = 0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function takeN(bucket: TokenBucket, n: number): boolean[] {
  return Array.from({ length: n }, () => bucket.tryTake());
}

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return isSwitchyardError(err) ? err.code : err;
  }
  return undefined;
}

describe('TokenBucket.tryTake (injected clock)', () => {
  it('allows max acquisitions at once, then none', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ max: 3, durationMs: 1000, now: clock.now });
    expect(takeN(bucket, 4)).toEqual([true, true, true, false]);
  });

  it('refills continuously: one token per durationMs / max', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ max: 4, durationMs: 1000, now: clock.now });
    takeN(bucket, 4);
    clock.advance(249);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(500);
    expect(takeN(bucket, 3)).toEqual([true, true, false]);
  });

  it('never holds more than max tokens after an idle period', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ max: 2, durationMs: 100, now: clock.now });
    clock.advance(1_000_000);
    expect(bucket.available).toBe(2);
    expect(takeN(bucket, 3)).toEqual([true, true, false]);
  });

  it('admits exactly max per window over a long run', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ max: 5, durationMs: 1000, now: clock.now });
    let granted = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      while (bucket.tryTake()) granted++;
      clock.advance(1);
    }
    // 5 initial burst + 5 per second for 10 s (the last refill lands at t=10000, after the loop).
    expect(granted).toBe(5 + 49);
  });

  it('ignores a clock going backwards', () => {
    const clock = manualClock(1000);
    const bucket = new TokenBucket({ max: 1, durationMs: 100, now: clock.now });
    expect(bucket.tryTake()).toBe(true);
    clock.advance(-500);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(100);
    expect(bucket.tryTake()).toBe(true);
  });

  it('supports fractional limits', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ max: 1.5, durationMs: 1000, now: clock.now });
    expect(takeN(bucket, 2)).toEqual([true, false]);
    clock.advance(333);
    expect(bucket.tryTake()).toBe(false);
    clock.advance(1);
    expect(bucket.tryTake()).toBe(true);
  });

  it('rejects invalid options and rates with SY_INVALID_CONFIG', () => {
    expect(codeOf(() => new TokenBucket({ max: -1, durationMs: 1000 }))).toBe('SY_INVALID_CONFIG');
    expect(codeOf(() => new TokenBucket({ max: 1, durationMs: 0 }))).toBe('SY_INVALID_CONFIG');
    expect(codeOf(() => new TokenBucket({ max: Infinity, durationMs: 10 }))).toBe('SY_INVALID_CONFIG');
    const bucket = new TokenBucket({ max: 1, durationMs: 10 });
    expect(codeOf(() => bucket.setRate(Number.NaN))).toBe('SY_INVALID_CONFIG');
    expect(codeOf(() => bucket.setRate(-2))).toBe('SY_INVALID_CONFIG');
  });

  it('works with the default clock', () => {
    const bucket = new TokenBucket({ max: 1, durationMs: 3_600_000 });
    expect(takeN(bucket, 2)).toEqual([true, false]);
  });
});

describe('TokenBucket.take (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const newBucket = (max: number, durationMs: number) => new TokenBucket({ max, durationMs, now: () => Date.now() });

  function track(promise: Promise<void>) {
    const state = { settled: false, error: undefined as unknown };
    promise.then(
      () => {
        state.settled = true;
      },
      (err: unknown) => {
        state.settled = true;
        state.error = err;
      },
    );
    return state;
  }

  it('resolves at once while tokens are free', async () => {
    const bucket = newBucket(2, 1000);
    const a = track(bucket.take());
    await vi.advanceTimersByTimeAsync(0);
    expect(a.settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits exactly until the next token refills', async () => {
    const bucket = newBucket(2, 1000);
    bucket.tryTake();
    bucket.tryTake();
    const waiter = track(bucket.take());
    await vi.advanceTimersByTimeAsync(499);
    expect(waiter.settled).toBe(false);
    expect(bucket.waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.settled).toBe(true);
    expect(bucket.waiting).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('serves waiters FIFO, one token each, and tryTake does not jump the queue', async () => {
    const bucket = newBucket(1, 100);
    bucket.tryTake();
    const order: number[] = [];
    for (const i of [1, 2, 3]) void bucket.take().then(() => order.push(i));
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([1]);
    expect(bucket.tryTake()).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([1, 2, 3]);
  });

  it('rejects with the abort reason and gives the slot to the next waiter', async () => {
    const bucket = newBucket(1, 100);
    bucket.tryTake();
    const controller = new AbortController();
    const first = track(bucket.take(controller.signal));
    const second = track(bucket.take());
    controller.abort(new Error('shutdown'));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.settled).toBe(true);
    expect((first.error as Error).message).toBe('shutdown');
    await vi.advanceTimersByTimeAsync(100);
    expect(second.settled).toBe(true);
    expect(second.error).toBeUndefined();
  });

  it('rejects immediately for an already aborted signal without taking a token', async () => {
    const bucket = newBucket(1, 100);
    const controller = new AbortController();
    controller.abort();
    await expect(bucket.take(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(bucket.tryTake()).toBe(true);
  });

  it('clears its timer when the last waiter aborts', async () => {
    const bucket = newBucket(1, 10_000);
    bucket.tryTake();
    const controller = new AbortController();
    const waiter = track(bucket.take(controller.signal));
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('setRate(0) parks waiters until a positive rate is set', async () => {
    const bucket = newBucket(1, 1000);
    bucket.tryTake();
    bucket.setRate(0);
    const waiter = track(bucket.take());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(waiter.settled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    bucket.setRate(10);
    await vi.advanceTimersByTimeAsync(99);
    expect(waiter.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.settled).toBe(true);
  });

  it('setRate lowers the burst to the new max and reschedules waiters at the new pace', async () => {
    const bucket = newBucket(10, 1000);
    bucket.setRate(2);
    expect(bucket.max).toBe(2);
    expect(takeN(bucket, 3)).toEqual([true, true, false]);
    const waiter = track(bucket.take());
    bucket.setRate(4);
    await vi.advanceTimersByTimeAsync(249);
    expect(waiter.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.settled).toBe(true);
  });

  it('a wait beyond 2^31-1 ms (a tiny rate) arms the timer with the bound and re-arms, not every 1 ms', async () => {
    // Regression (issue 11): setTimeout got the whole wait, fired after 1 ms and was armed again: a busy loop.
    const bucket = newBucket(1, 4 * 2_147_483_647);
    bucket.tryTake();
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const waiter = track(bucket.take());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(waiter.settled).toBe(false);
    expect(armed.mock.calls.map((c) => c[1])).toEqual([2_147_483_647]);
    await vi.advanceTimersByTimeAsync(4 * 2_147_483_647 - 60_000);
    expect(waiter.settled).toBe(true);
    expect(armed.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it('cancelWaiters rejects all waiters and stops the timer', async () => {
    const bucket = newBucket(1, 1000);
    bucket.tryTake();
    const a = track(bucket.take());
    const b = track(bucket.take());
    const reason = new Error('closing');
    bucket.cancelWaiters(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect([a.error, b.error]).toEqual([reason, reason]);
    expect(vi.getTimerCount()).toBe(0);
    expect(bucket.waiting).toBe(0);
  });
});

describe('shareOfLimit', () => {
  it('is proportional to the share of partitions', () => {
    expect(shareOfLimit(100, 3, 12)).toBe(25);
    expect(shareOfLimit(100, 12, 12)).toBe(100);
    expect(shareOfLimit(10, 4, 12)).toBeCloseTo(10 / 3, 10);
  });

  it('adds up to the queue-wide limit across workers', () => {
    const shares = [5, 4, 3].map((p) => shareOfLimit(60, p, 12));
    expect(shares).toEqual([25, 20, 15]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('is at least 1 with any partition and 0 without', () => {
    expect(shareOfLimit(10, 1, 100)).toBe(1);
    expect(shareOfLimit(10, 0, 100)).toBe(0);
    expect(shareOfLimit(10, 0, 0)).toBe(0);
    expect(shareOfLimit(0, 5, 10)).toBe(0);
  });

  it('caps at the whole limit when assigned exceeds total', () => {
    expect(shareOfLimit(50, 20, 10)).toBe(50);
  });
});
