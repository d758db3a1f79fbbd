import { describe, expect, it } from 'vitest';
import { BREAKER_TRANSITIONS, CircuitBreaker, breakerVerdict, circuitOpenError, nextBreakerState, type BreakerState } from './circuit-breaker.js';

function clocked(options = { failureThreshold: 3, cooldownMs: 1_000 }) {
  const clock = { now: 0 };
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker(options, { now: () => clock.now, onChange: (s) => changes.push(s) });
  return { breaker, clock, changes };
}

describe('breaker transition table', () => {
  it('has exactly these transitions', () => {
    expect(BREAKER_TRANSITIONS).toEqual({
      closed: { success: 'closed', failure: 'closed', trip: 'open' },
      open: { success: 'open', failure: 'open', 'cooldown-elapsed': 'half-open' },
      'half-open': { success: 'closed', failure: 'open' },
    });
  });

  it.each([
    ['closed', 'cooldown-elapsed'],
    ['open', 'trip'],
    ['half-open', 'trip'],
    ['half-open', 'cooldown-elapsed'],
  ] as const)('refuses %s + %s', (from, event) => {
    expect(() => nextBreakerState(from, event)).toThrow(RangeError);
  });

  it('only failures and timeouts count against the endpoint', () => {
    expect((['succeeded', 'failed', 'timeout', 'throttled', 'gone', 'refused'] as const).map(breakerVerdict)).toEqual(['success', 'failure', 'failure', 'neutral', 'neutral', 'neutral']);
  });
});

describe('CircuitBreaker', () => {
  it('opens after failureThreshold consecutive failures; a success in between resets the count', () => {
    const { breaker, changes } = clocked();
    breaker.record('failed');
    breaker.record('timeout');
    breaker.record('succeeded');
    breaker.record('failed');
    breaker.record('failed');
    expect(breaker.state).toBe('closed');
    breaker.record('throttled'); // neutral: neither resets nor counts
    breaker.record('failed');
    expect(breaker.state).toBe('open');
    expect(changes).toEqual(['open']);
  });

  it('open refuses until the cool-down, then lets exactly one probe through', () => {
    const { breaker, clock } = clocked();
    for (let i = 0; i < 3; i++) breaker.record('failed');
    clock.now = 400;
    expect(breaker.tryAcquire()).toEqual({ allowed: false, retryInMs: 600 });
    clock.now = 1_000;
    expect(breaker.tryAcquire()).toEqual({ allowed: true });
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire().allowed).toBe(false);
  });

  it('a successful probe closes it; a failed probe reopens it for another cool-down', () => {
    const { breaker, clock, changes } = clocked();
    for (let i = 0; i < 3; i++) breaker.record('failed');
    clock.now = 1_000;
    breaker.tryAcquire();
    breaker.record('failed');
    expect(breaker.state).toBe('open');
    clock.now = 1_999;
    expect(breaker.tryAcquire()).toEqual({ allowed: false, retryInMs: 1 });
    clock.now = 2_000;
    expect(breaker.tryAcquire().allowed).toBe(true);
    breaker.record('succeeded');
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire().allowed).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('late verdicts of attempts sent before it opened change nothing', () => {
    const { breaker, clock } = clocked();
    for (let i = 0; i < 3; i++) breaker.record('failed');
    clock.now = 500;
    breaker.record('succeeded');
    breaker.record('failed');
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toEqual({ allowed: false, retryInMs: 500 });
  });

  it('a neutral probe answer frees the probe slot without closing', () => {
    const { breaker, clock } = clocked();
    for (let i = 0; i < 3; i++) breaker.record('failed');
    clock.now = 1_000;
    expect(breaker.tryAcquire().allowed).toBe(true);
    breaker.record('throttled');
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire().allowed).toBe(true);
  });

  it('circuitOpenError is the retriable catalog error', () => {
    expect(circuitOpenError('orders', 250)).toMatchObject({ code: 'SY_WEBHOOK_CIRCUIT_OPEN', retriable: true, details: { endpointId: 'orders', retryInMs: 250 } });
  });

  it('refuses bad options naming them', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(/CircuitBreakerOptions\.failureThreshold/);
  });
});
