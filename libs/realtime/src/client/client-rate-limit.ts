/**
 * The per-client `rateLimit` of RealTimeNotificationConfig: at most maxEventsPerSecond x windowMs
 * / 1000 messages (at least 1) per fixed window of windowMs. A message over the limit waits in the
 * client's buffer for the next window (nothing is skipped, so ids stay gapless); a client that
 * keeps receiving more than its limit fills its buffer and is dropped (reason `rate-limited`).
 */
export class ClientRateLimit {
  readonly #perWindow: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(limit: { maxEventsPerSecond: number; windowMs: number }) {
    this.#windowMs = limit.windowMs;
    this.#perWindow = Math.max(1, Math.floor((limit.maxEventsPerSecond * limit.windowMs) / 1_000));
  }

  get perWindow(): number {
    return this.#perWindow;
  }

  /** Takes one message's slot: 0 when it may go now, else the ms until the next window opens. */
  take(now: number): number {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count < this.#perWindow) {
      this.#count++;
      return 0;
    }
    return this.#windowStart + this.#windowMs - now;
  }
}
