/**
 * When a replay may write its next record: at most `rate` records per second, and with `speed`
 * the original spacing of the record timestamps divided by `speed`. Both are optional.
 */
export interface PacerOptions {
  readonly rate?: number;
  readonly speed?: number;
}

export class ReplayPacer {
  readonly #intervalMs: number;
  readonly #speed: number | undefined;
  readonly #now: () => number;
  #nextSlotMs = 0;
  #origin: { wallMs: number; recordMs: number } | undefined;

  constructor(options: PacerOptions, now: () => number = Date.now) {
    this.#intervalMs = options.rate ? 1_000 / options.rate : 0;
    this.#speed = options.speed;
    this.#now = now;
  }

  /** True when records need no waiting at all. */
  get unpaced(): boolean {
    return this.#intervalMs === 0 && this.#speed === undefined;
  }

  /** Reserves the next write for a record stamped `timestampMs`; returns how long to wait first (ms). */
  delayFor(timestampMs: number): number {
    if (this.unpaced) return 0;
    const now = this.#now();
    let due = Math.max(now, this.#nextSlotMs);
    if (this.#speed !== undefined) {
      this.#origin ??= { wallMs: now, recordMs: timestampMs };
      due = Math.max(due, this.#origin.wallMs + (timestampMs - this.#origin.recordMs) / this.#speed);
    }
    this.#nextSlotMs = due + this.#intervalMs;
    return due - now;
  }
}
