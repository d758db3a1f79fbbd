import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { z } from 'zod';
import type { AttemptOutcome } from '../delivery/delivery-attempt.js';

/** The states of an endpoint's circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * What moves a breaker: an attempt's verdict, the failure threshold reached (`trip`), the
 * cool-down over when someone asks to send (`cooldown-elapsed`).
 */
export type BreakerEvent = 'success' | 'failure' | 'trip' | 'cooldown-elapsed';

/**
 * The transition table (STYLE.md #6). Missing pairs are illegal. While open, late verdicts of
 * attempts sent before the breaker opened change nothing; half-open lets one probe through and its
 * verdict closes or reopens the breaker.
 */
export const BREAKER_TRANSITIONS: Readonly<Record<BreakerState, Readonly<Partial<Record<BreakerEvent, BreakerState>>>>> = Object.freeze({
  closed: { success: 'closed', failure: 'closed', trip: 'open' },
  open: { success: 'open', failure: 'open', 'cooldown-elapsed': 'half-open' },
  'half-open': { success: 'closed', failure: 'open' },
});

/** The next state, or a thrown error for a pair the table does not have. */
export function nextBreakerState(from: BreakerState, event: BreakerEvent): BreakerState {
  const to = BREAKER_TRANSITIONS[from][event];
  if (to === undefined) throw new RangeError(`A circuit breaker cannot take ${event} while ${from}.`);
  return to;
}

/** How an attempt's outcome counts for the breaker: only failures and timeouts say the endpoint is unhealthy. */
export function breakerVerdict(outcome: AttemptOutcome): 'success' | 'failure' | 'neutral' {
  if (outcome === 'succeeded') return 'success';
  if (outcome === 'failed' || outcome === 'timeout') return 'failure';
  // 429/503 are answered by waiting for Retry-After, 410 disables the endpoint, a refusal is ours.
  return 'neutral';
}

export const CircuitBreakerOptionsSchema = z
  .object({
    failureThreshold: z.number().int().positive().default(5).describe('Consecutive failed attempts that open the breaker'),
    cooldownMs: z.number().int().positive().default(30_000).describe('How long an open breaker refuses before it lets one probe through, in milliseconds'),
  })
  .describe('Per-endpoint circuit breaker options');

export type CircuitBreakerOptions = z.infer<typeof CircuitBreakerOptionsSchema>;
export type CircuitBreakerOptionsInput = z.input<typeof CircuitBreakerOptionsSchema>;

/** Whether an attempt may go now. */
export type BreakerPermit = { readonly allowed: true } | { readonly allowed: false; readonly retryInMs: number };

/**
 * One endpoint's circuit breaker: closed until `failureThreshold` consecutive failures, then open
 * for `cooldownMs` (attempts refused, see {@link circuitOpenError}), then half-open: one probe goes
 * through, its success closes the breaker and its failure opens it again.
 */
export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probeInFlight = false;
  readonly #now: () => number;
  readonly #onChange: ((state: BreakerState) => void) | undefined;

  constructor(options: CircuitBreakerOptionsInput = {}, { now = Date.now, onChange }: { now?: () => number; onChange?: (state: BreakerState) => void } = {}) {
    this.options = parseOrThrow(CircuitBreakerOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'CircuitBreakerOptions' });
    this.#now = now;
    this.#onChange = onChange;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Asks to send one attempt. Open: refused until the cool-down is over; half-open: one probe at a time. */
  tryAcquire(): BreakerPermit {
    if (this.#state === 'open') {
      const left = this.#openedAt + this.options.cooldownMs - this.#now();
      if (left > 0) return { allowed: false, retryInMs: left };
      this.#move('cooldown-elapsed');
    }
    if (this.#state === 'half-open') {
      if (this.#probeInFlight) return { allowed: false, retryInMs: this.options.cooldownMs };
      this.#probeInFlight = true;
    }
    return { allowed: true };
  }

  /** Records an attempt's outcome. */
  record(outcome: AttemptOutcome): void {
    const verdict = breakerVerdict(outcome);
    if (verdict === 'neutral') {
      // A neutral probe answer proves the endpoint reachable: let the next probe go.
      if (this.#state === 'half-open') this.#probeInFlight = false;
      return;
    }
    const from = this.#state;
    this.#move(verdict);
    if (from === 'half-open') this.#probeInFlight = false;
    if (verdict === 'success') this.#failures = 0;
    else if (this.#state === 'closed' && ++this.#failures >= this.options.failureThreshold) this.#move('trip');
    if (this.#state === 'open' && from !== 'open') {
      this.#openedAt = this.#now();
      this.#failures = 0;
    }
  }

  #move(event: BreakerEvent): void {
    const next = nextBreakerState(this.#state, event);
    if (next === this.#state) return;
    this.#state = next;
    this.#onChange?.(next);
  }
}

/** The error of an attempt the open breaker refused (retriable: it is retried after the cool-down). */
export function circuitOpenError(endpointId: string, retryInMs: number): SwitchyardError {
  return new SwitchyardError('SY_WEBHOOK_CIRCUIT_OPEN', `The circuit breaker of endpoint ${endpointId} is open; no attempt was made (next probe in ${retryInMs} ms).`, {
    hint: 'Fix the receiver; deliveries resume after a probe succeeds.',
    details: { endpointId, retryInMs },
  });
}
