import { Lifecycle, type TransitionTable } from './lifecycle.js';

export type ConsumeLoopState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The lifecycle of a consume loop (a subscription, a route; STYLE.md #6). `start()` once from idle;
 * `close()` from starting or running (a close during start wins: the start does not turn it
 * running again); a stopped loop stays stopped (create a new one).
 */
export const CONSUME_LOOP_TRANSITIONS: TransitionTable<ConsumeLoopState> = {
  idle: ['starting'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/** A loop's lifecycle; `what` names it in refusals (e.g. "Subscription billing", "Route r-1"). */
export function consumeLoopLifecycle(what: string): Lifecycle<ConsumeLoopState> {
  return new Lifecycle(CONSUME_LOOP_TRANSITIONS, 'idle', what);
}
