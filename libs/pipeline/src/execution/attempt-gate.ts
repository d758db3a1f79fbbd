/**
 * One attempt of a task (or of one handler on one event) at a time in this process. A handler
 * that ignores its AbortSignal is abandoned at its timeout but keeps running; its retry must not
 * start beside it. The caller holds the id with the attempt's `settled` promise (see raceAttempt)
 * and every attempt first passes {@link AttemptGate.pass} for its id, which waits for the
 * abandoned one to settle. Ids are forgotten as soon as their handler settles.
 */
export class AttemptGate {
  readonly #running = new Map<string, Promise<void>>();

  /** Ids whose abandoned handler still runs. */
  get size(): number {
    return this.#running.size;
  }

  /** Whether an abandoned handler of `id` still runs (its next attempt must {@link pass} first). */
  holds(id: string): boolean {
    return this.#running.has(id);
  }

  /** `id`'s handler still runs until `settled` resolves: later attempts of `id` wait for it. */
  hold(id: string, settled: Promise<void>): void {
    const previous = this.#running.get(id);
    const held: Promise<void> = Promise.all([previous, settled]).then(() => {
      if (this.#running.get(id) === held) this.#running.delete(id);
    });
    this.#running.set(id, held);
  }

  /**
   * Resolves true once no abandoned handler of `id` runs (at once when none does); false when
   * `signal` aborts first (shutting down: the attempt is not made).
   */
  pass(id: string, signal?: AbortSignal): Promise<boolean> {
    const held = this.#running.get(id);
    if (!held) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      void held.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }
}
