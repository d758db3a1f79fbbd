import { SwitchyardError, parseOrThrow } from '@switchyard/protocol';
import { z } from 'zod';
import { timerDelayMs } from '../timers/long-timeout.js';

/** A millisecond clock; injected in tests. */
export type Clock = () => number;

const clockSchema = z.custom<Clock>((value) => typeof value === 'function', 'Expected a function returning milliseconds');

/** Options of {@link TokenBucket}. */
export const TokenBucketOptionsSchema = z
  .object({
    max: z.number().min(0).finite().describe('Acquisitions allowed per durationMs (may be fractional; 0 = none)'),
    durationMs: z.number().int().positive().describe('Window of the limit, in milliseconds'),
    now: clockSchema.optional().describe('Clock in milliseconds (default: performance.now)'),
  })
  .describe('Options of a token bucket rate limiter');

/** Input of {@link TokenBucketOptionsSchema}. */
export type TokenBucketOptions = z.input<typeof TokenBucketOptionsSchema>;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * Allows `max` acquisitions per `durationMs`, refilled continuously (a full bucket holds `max`
 * tokens, so bursts up to `max` are allowed). Waiters of {@link take} are served in FIFO order
 * by a single timer; {@link tryTake} never jumps that queue.
 *
 * Internally the bucket counts "token-milliseconds" (one token = `durationMs` units, refill =
 * `max` units per ms), so integer clocks and limits give exact, drift-free arithmetic.
 */
export class TokenBucket {
  #max: number;
  readonly #durationMs: number;
  readonly #now: Clock;
  #credit: number;
  #last: number;
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TokenBucketOptions) {
    const parsed = parseOrThrow(TokenBucketOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'TokenBucketOptions' });
    this.#max = parsed.max;
    this.#durationMs = parsed.durationMs;
    this.#now = parsed.now ?? (() => performance.now());
    this.#credit = this.#capacity();
    this.#last = this.#now();
  }

  /** Takes a token if one is free now and nobody is waiting for one. */
  tryTake(): boolean {
    if (this.#waiters.length > 0) return false;
    return this.#takeNow();
  }

  /**
   * Resolves once a token was taken (FIFO among waiters). Rejects with `signal.reason` when the
   * signal aborts first; an aborted waiter consumes no token.
   */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: () => this.#abort(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#schedule();
    });
  }

  /**
   * Changes the limit (e.g. after a rebalance re-shared a queue-wide limit). Tokens earned so far
   * are kept up to the new `max`; a higher limit is not granted as an instant burst.
   */
  setRate(max: number): void {
    if (!Number.isFinite(max) || max < 0) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Invalid rate ${String(max)}: expected a finite number >= 0`, {
        hint: 'Compute the rate with shareOfLimit().',
        details: { max },
      });
    }
    this.#refill();
    this.#max = max;
    this.#credit = Math.min(this.#credit, this.#capacity());
    if (this.#waiters.length > 0) this.#schedule();
  }

  /** Rejects every waiter with `reason` (e.g. on shutdown) and stops the timer. */
  cancelWaiters(reason: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#clearTimer();
    for (const waiter of waiters) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(reason);
    }
  }

  /** Current limit per `durationMs`. */
  get max(): number {
    return this.#max;
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill();
    return this.#credit / this.#durationMs;
  }

  /** Number of pending {@link take} calls. */
  get waiting(): number {
    return this.#waiters.length;
  }

  #capacity(): number {
    return this.#max * this.#durationMs;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#credit = Math.min(this.#capacity(), this.#credit + elapsed * this.#max);
  }

  #takeNow(): boolean {
    this.#refill();
    if (this.#credit < this.#durationMs) return false;
    this.#credit -= this.#durationMs;
    return true;
  }

  #schedule(): void {
    this.#clearTimer();
    while (this.#waiters.length > 0 && this.#takeNow()) {
      const waiter = this.#waiters.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    // With max 0 (or a bucket smaller than one token) nothing refills enough: wait for setRate().
    if (this.#waiters.length === 0 || this.#capacity() < this.#durationMs) return;
    // Clamped to setTimeout's limit (a longer delay fires after 1 ms): a tiny rate re-arms until due.
    const waitMs = timerDelayMs(Math.max(1, Math.ceil((this.#durationMs - this.#credit) / this.#max)));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, waitMs);
  }

  #abort(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index === -1) return;
    this.#waiters.splice(index, 1);
    if (this.#waiters.length === 0) this.#clearTimer();
    waiter.reject(waiter.signal?.reason);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The part of a queue-wide limit `max` this worker may use: proportional to its share of the
 * queue's partitions (`max * assigned / total`, possibly fractional, so the shares of all
 * workers add up to exactly `max`), at least 1 when it has any partition, 0 when it has none
 * (or when `max` is 0). `assignedPartitions` above `totalPartitions` is treated as all of them.
 */
export function shareOfLimit(max: number, assignedPartitions: number, totalPartitions: number): number {
  if (!(max > 0) || !(assignedPartitions > 0) || !(totalPartitions > 0)) return 0;
  const fraction = Math.min(assignedPartitions, totalPartitions) / totalPartitions;
  return Math.max(1, max * fraction);
}
