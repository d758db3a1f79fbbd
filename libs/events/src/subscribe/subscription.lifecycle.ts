import { Lifecycle, type TransitionTable } from '@switchyard/pipeline';

export type SubscriptionState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The lifecycle of a subscription (STYLE.md #6). `start()` once from idle; `close()` from starting
 * or running (a close during start wins: the start does not turn it running again); a stopped
 * subscription stays stopped (create a new one).
 */
export const SUBSCRIPTION_TRANSITIONS: TransitionTable<SubscriptionState> = {
  idle: ['starting'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

export function subscriptionLifecycle(name: string): Lifecycle<SubscriptionState> {
  return new Lifecycle(SUBSCRIPTION_TRANSITIONS, 'idle', `Subscription ${name}`);
}
