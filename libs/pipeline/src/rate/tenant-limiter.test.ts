import { isSwitchyardError } from '@switchyard/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TenantLimiter } from './tenant-limiter.js';

function manualClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('TenantLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('limits each tenant separately', () => {
    const clock = manualClock();
    const limiter = new TenantLimiter({ maxPerTenant: 2, durationMs: 1000, now: clock.now });
    expect([limiter.tryTake('a'), limiter.tryTake('a'), limiter.tryTake('a')]).toEqual([true, true, false]);
    expect([limiter.tryTake('b'), limiter.tryTake('b'), limiter.tryTake('b')]).toEqual([true, true, false]);
    clock.advance(500);
    expect([limiter.tryTake('a'), limiter.tryTake('a')]).toEqual([true, false]);
  });

  it('forgets the least recently used tenant beyond maxTenants', () => {
    const clock = manualClock();
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 60_000, maxTenants: 2, now: clock.now });
    limiter.tryTake('a');
    limiter.tryTake('b');
    limiter.tryTake('a'); // touches a: b is now least recently used
    limiter.tryTake('c');
    expect(limiter.size).toBe(2);
    expect(limiter.has('a')).toBe(true);
    expect(limiter.has('b')).toBe(false);
    expect(limiter.has('c')).toBe(true);
    expect(limiter.tryTake('a')).toBe(false); // a kept its empty bucket
    expect(limiter.tryTake('b')).toBe(true); // b came back with a full bucket
    expect(limiter.has('c')).toBe(false);
  });

  it('defaults maxTenants to 10000', () => {
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 1000, now: () => 0 });
    for (let i = 0; i < 10_001; i++) limiter.tryTake(`t${i}`);
    expect(limiter.size).toBe(10_000);
    expect(limiter.has('t0')).toBe(false);
    expect(limiter.has('t10000')).toBe(true);
  });

  it('setRate applies to known and new tenants', () => {
    const clock = manualClock();
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 1000, now: clock.now });
    limiter.tryTake('a');
    limiter.setRate(4);
    clock.advance(250);
    expect([limiter.tryTake('a'), limiter.tryTake('a')]).toEqual([true, false]);
    expect([1, 2, 3, 4, 5].map(() => limiter.tryTake('new'))).toEqual([true, true, true, true, false]);
  });

  it('setRate rejects an invalid rate before touching any bucket', () => {
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 1000 });
    let caught: unknown;
    try {
      limiter.setRate(-1);
    } catch (err) {
      caught = err;
    }
    expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_CONFIG');
    expect(limiter.tryTake('a')).toBe(true);
  });

  it('take waits for the tenant token and is abortable', async () => {
    vi.useFakeTimers();
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 1000, now: () => Date.now() });
    await limiter.take('a');
    let done = false;
    void limiter.take('a').then(() => {
      done = true;
    });
    const controller = new AbortController();
    const aborted = limiter.take('a', controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await limiter.take('b');
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('cancelWaiters rejects waiters of every tenant', async () => {
    vi.useFakeTimers();
    const limiter = new TenantLimiter({ maxPerTenant: 1, durationMs: 1000, now: () => Date.now() });
    limiter.tryTake('a');
    limiter.tryTake('b');
    const waits = [limiter.take('a'), limiter.take('b')];
    const reason = new Error('closing');
    limiter.cancelWaiters(reason);
    expect(await Promise.allSettled(waits)).toEqual([
      { status: 'rejected', reason },
      { status: 'rejected', reason },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects invalid options with SY_INVALID_CONFIG', () => {
    for (const options of [
      { maxPerTenant: -1, durationMs: 1000 },
      { maxPerTenant: 1, durationMs: 1000, maxTenants: 0 },
      { maxPerTenant: 1, durationMs: 1.5 },
    ]) {
      let caught: unknown;
      try {
        new TenantLimiter(options);
      } catch (err) {
        caught = err;
      }
      expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_CONFIG');
    }
  });
});
