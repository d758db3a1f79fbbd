import { SwitchyardError } from '@switchyard/protocol';
import { RETRY_TIERS } from '@switchyard/kafka';

/** The longest wait a handler's `retryAfterMs` can impose: one hour (the longest retry tier). */
export const RETRY_AFTER_CAP_MS = RETRY_TIERS[RETRY_TIERS.length - 1]!.delayMs;

/** An error that asks for its retry no earlier than `retryAfterMs` from when the handler failed. */
export type RetryAfterError<E> = E & { readonly retryAfterMs: number };

/**
 * Marks a handler error with a Retry-After: the next attempt of that handler on that event runs no
 * earlier than `ms` after the failure (or after its backoff, whichever is later; at most
 * RETRY_AFTER_CAP_MS). The retry still counts as an attempt: after `maxRetries` the event is
 * dead-lettered as usual. `throw retryAfter(new Error('rate limited'), 30_000)`.
 */
export function retryAfter<E extends Error>(error: E, ms: number): RetryAfterError<E> {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `retryAfter(error, ms): ms must be a finite number >= 0, got ${String(ms)}.`, { hint: 'Pass the wait in milliseconds, e.g. the Retry-After seconds of a response x 1000.', details: { field: 'ms', value: String(ms) } });
  }
  Object.defineProperty(error, 'retryAfterMs', { value: ms, enumerable: true, configurable: true, writable: true });
  return error as RetryAfterError<E>;
}

/**
 * The wait a handler error asks for: its own numeric property `retryAfterMs` (finite, >= 0),
 * capped at RETRY_AFTER_CAP_MS. Undefined for anything else (an inherited or non-numeric property,
 * NaN, a negative number): the backoff alone decides.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !Object.hasOwn(error, 'retryAfterMs')) return undefined;
  const ms = (error as { retryAfterMs: unknown }).retryAfterMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(RETRY_AFTER_CAP_MS, Math.ceil(ms));
}
