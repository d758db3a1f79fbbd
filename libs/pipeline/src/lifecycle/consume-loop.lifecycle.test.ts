import { isSwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { CONSUME_LOOP_TRANSITIONS, consumeLoopLifecycle, type ConsumeLoopState } from './consume-loop.lifecycle.js';

const STATES = Object.keys(CONSUME_LOOP_TRANSITIONS) as ConsumeLoopState[];

describe('consume loop lifecycle (subscriptions, routes)', () => {
  it('goes idle -> starting -> running -> stopping -> stopped', () => {
    const lifecycle = consumeLoopLifecycle('Subscription billing');
    for (const next of ['starting', 'running', 'stopping', 'stopped'] as const) lifecycle.to(next);
    expect(lifecycle.state).toBe('stopped');
  });

  it('lets a close during start win: starting -> stopping, and then never running', () => {
    const lifecycle = consumeLoopLifecycle('Subscription billing');
    lifecycle.to('starting');
    lifecycle.to('stopping');
    expect(lifecycle.canMoveTo('running')).toBe(false);
  });

  it('has nothing to close while idle, and cannot be started twice or restarted once stopped', () => {
    const lifecycle = consumeLoopLifecycle('Route r-1');
    expect(lifecycle.canMoveTo('stopping')).toBe(false);
    lifecycle.to('starting');
    expect(lifecycle.canMoveTo('starting')).toBe(false);
    lifecycle.to('running');
    expect(lifecycle.canMoveTo('starting')).toBe(false);
    lifecycle.to('stopping');
    lifecycle.to('stopped');
    expect(STATES.filter((s) => lifecycle.canMoveTo(s))).toEqual([]);
  });

  it('refuses a move outside the table with SY_INVALID_CONFIG naming the loop', () => {
    const lifecycle = consumeLoopLifecycle('Subscription billing');
    let caught: unknown;
    try {
      lifecycle.to('running');
    } catch (error) {
      caught = error;
    }
    expect(isSwitchyardError(caught) && caught.code).toBe('SY_INVALID_CONFIG');
    expect((caught as Error).message).toBe('Subscription billing cannot go from idle to running.');
  });
});
