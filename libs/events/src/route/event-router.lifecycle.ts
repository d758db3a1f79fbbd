import { Lifecycle, type TransitionTable } from '@switchyard/pipeline';

export type RouteState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The lifecycle of an event route (STYLE.md #6). `start()` once from idle; `close()` from starting
 * or running (a close during start wins: the start does not turn it running again); a stopped
 * route stays stopped (create a new one).
 */
export const ROUTE_TRANSITIONS: TransitionTable<RouteState> = {
  idle: ['starting'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

export function routeLifecycle(id: string): Lifecycle<RouteState> {
  return new Lifecycle(ROUTE_TRANSITIONS, 'idle', `Route ${id}`);
}
