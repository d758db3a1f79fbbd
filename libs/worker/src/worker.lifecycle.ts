import { SwitchyardError } from '@switchyard/protocol';

export type WorkerState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

const TRANSITIONS: Record<WorkerState, readonly WorkerState[]> = {
  created: ['starting', 'stopping'],
  starting: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/** The worker's lifecycle as a transition table with a guard (STYLE.md #6). */
export class WorkerLifecycle {
  #state: WorkerState = 'created';

  get state(): WorkerState {
    return this.#state;
  }

  canMoveTo(next: WorkerState): boolean {
    return TRANSITIONS[this.#state].includes(next);
  }

  to(next: WorkerState): void {
    if (!this.canMoveTo(next)) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `A worker cannot go from ${this.#state} to ${next}.`, {
        hint: next === 'starting' ? 'Create a new worker instead of restarting a closed one.' : 'Call start() once, then close().',
      });
    }
    this.#state = next;
  }
}
