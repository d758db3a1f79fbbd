/**
 * Operations run one after another, in the order they were asked for; one that fails does not
 * stop the next (its caller gets the failure). A producer's sends and transactions take turns
 * this way, and so do the sends inside one transaction.
 */
export class Turns {
  #last: Promise<unknown> = Promise.resolve();

  /** Runs `operation` once every operation asked for before it has settled. */
  run<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#last.catch(() => undefined).then(operation);
    this.#last = run;
    return run;
  }

  /** Resolves once every operation asked for so far has settled (never rejects). */
  settled(): Promise<void> {
    return this.#last.then(
      () => undefined,
      () => undefined,
    );
  }
}
