/** Wakes everyone waiting for "something changed" (a commit, a failure, a stop); they then check their condition again. */
export class ChangeSignal {
  #next = ChangeSignal.#pending();

  static #pending(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  /** Resolves at the next `notify()`. */
  next(): Promise<void> {
    return this.#next.promise;
  }

  notify(): void {
    this.#next.resolve();
    this.#next = ChangeSignal.#pending();
  }
}
