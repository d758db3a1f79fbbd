import { SwitchyardError } from '@switchyard/protocol';

/** A lifecycle's transition table: for each state, the states it may move to (STYLE.md #6). */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * The state of one consume loop (a worker, a subscription, a route) as a transition table with a
 * guard: each loop writes its own small table; this class holds the state and refuses a move the
 * table does not allow, with SY_INVALID_CONFIG naming `what` (e.g. "Subscription billing").
 */
export class Lifecycle<S extends string> {
  readonly #table: TransitionTable<S>;
  readonly #what: string;
  #state: S;

  constructor(table: TransitionTable<S>, initial: S, what: string) {
    this.#table = table;
    this.#state = initial;
    this.#what = what;
  }

  get state(): S {
    return this.#state;
  }

  canMoveTo(next: S): boolean {
    return this.#table[this.#state].includes(next);
  }

  /** Moves to `next`, or throws SY_INVALID_CONFIG when the table does not allow it (`hint` says what to do instead). */
  to(next: S, hint = 'Create a new one instead of restarting it, and start it once.'): void {
    if (!this.canMoveTo(next)) throw new SwitchyardError('SY_INVALID_CONFIG', `${this.#what} cannot go from ${this.#state} to ${next}.`, { hint });
    this.#state = next;
  }
}
