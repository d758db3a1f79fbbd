import { GatewayError } from '../errors/gateway-error.js';

export interface RateLimiterOptions {
  /** Requests per window per credential. */
  readonly max: number;
  readonly windowMs: number;
  readonly now?: () => number;
}

/**
 * A fixed-window request budget per credential: at most `max` requests in each window of
 * `windowMs` (so at most 2*max across a window boundary). Counters of ended windows are dropped
 * when the window turns, so memory is one entry per credential active in the current window.
 * Per process: N gateway replicas allow N times the budget.
 */
export class RateLimiter {
  readonly #options: Required<RateLimiterOptions>;
  #windowStart = 0;
  readonly #counts = new Map<string, number>();

  constructor(options: RateLimiterOptions) {
    this.#options = { now: Date.now, ...options };
  }

  /** Counts one request of `credentialId`; returns the headers to send. @throws GatewayError SY_RATE_LIMITED when over budget. */
  take(credentialId: string): Record<string, string> {
    const now = this.#options.now();
    const windowStart = now - (now % this.#options.windowMs);
    if (windowStart !== this.#windowStart) {
      this.#windowStart = windowStart;
      this.#counts.clear();
    }
    const count = (this.#counts.get(credentialId) ?? 0) + 1;
    this.#counts.set(credentialId, count);
    const resetS = Math.ceil((windowStart + this.#options.windowMs - now) / 1000);
    const headers = { 'x-ratelimit-limit': String(this.#options.max), 'x-ratelimit-remaining': String(Math.max(0, this.#options.max - count)), 'x-ratelimit-reset': String(resetS) };
    if (count > this.#options.max) {
      throw new GatewayError('SY_RATE_LIMITED', `Rate limit of ${this.#options.max} requests per ${this.#options.windowMs} ms reached for this credential.`, { hint: `Retry after ${resetS} s.`, headers: { ...headers, 'retry-after': String(resetS) } });
    }
    return headers;
  }
}
