import { SwitchyardError } from '@switchyard/protocol';

export type WorkerState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

const TRANSITIONS: Record<WorkerState, readonly WorkerState[]> = {
  created: ['starting', 'stopping'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/**
 * The lifecycle of a worker (or of a process hosting one) as a transition table with a guard
 * (STYLE.md #6). `what` names it in errors; `stopCall` is the method that stops it.
 */
export class WorkerLifecycle {
  #state: WorkerState = 'created';
  readonly #what: string;
  readonly #stopCall: string;

  constructor(what = 'A worker', stopCall = 'close()') {
    this.#what = what;
    this.#stopCall = stopCall;
  }

  get state(): WorkerState {
    return this.#state;
  }

  canMoveTo(next: WorkerState): boolean {
    return TRANSITIONS[this.#state].includes(next);
  }

  to(next: WorkerState): void {
    if (!this.canMoveTo(next)) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `${this.#what} cannot go from ${this.#state} to ${next}.`, {
        hint: next === 'starting' ? 'Create a new one instead of restarting a stopped one.' : `Call start() once, then ${this.#stopCall}.`,
      });
    }
    this.#state = next;
  }
}
