/**
 * Runs a function once on the next turn of the event loop (setImmediate), however often it is
 * asked for before then. For a consumer's pump: every settled task asks for one, and a pump per
 * settled task (a setImmediate each, a pass over the queues each) cost a no-op worker ~2 µs a task
 * (bench/README.md, profile of 2026-12-07).
 */
export class NextTurn {
  readonly #fn: () => void;
  #scheduled = false;

  constructor(fn: () => void) {
    this.#fn = fn;
  }

  /** Asks for a run on the next turn; a run already asked for serves this request too. */
  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#fn();
    });
  }
}
