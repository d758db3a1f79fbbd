import { backoffDelayMs, type WebhookRetryPolicy } from './delivery-backoff.js';
import type { DeliveryAttemptResult } from './delivery-attempt.js';

/** What follows an attempt. */
export type NextStep =
  | { readonly action: 'done' }
  /** 410 Gone: disable the endpoint, deliver nothing more to it. */
  | { readonly action: 'disable' }
  | { readonly action: 'retry'; readonly delayMs: number; readonly reason: 'retry-after' | 'backoff' }
  /** To the endpoint's dead letters: retries exhausted, or a failure retrying cannot fix. */
  | { readonly action: 'dead'; readonly reason: 'exhausted' | 'not-retriable' };

/**
 * Decides what follows an attempt: 2xx done; 410 disable; a non-retriable failure (an address the
 * SSRF guard refuses) dead at once; otherwise another attempt while `attempt <= maxRetries`
 * (`maxRetries` counts retries after the first attempt), after the Retry-After a 429/503 asked
 * for, else after an exponential backoff with full jitter; then dead.
 */
export function planAfterAttempt(result: Pick<DeliveryAttemptResult, 'outcome' | 'attempt' | 'retryAfterMs' | 'error'>, policy: WebhookRetryPolicy, random: () => number = Math.random): NextStep {
  if (result.outcome === 'succeeded') return { action: 'done' };
  if (result.outcome === 'gone') return { action: 'disable' };
  if (result.error && !result.error.retriable) return { action: 'dead', reason: 'not-retriable' };
  if (result.attempt > policy.maxRetries) return { action: 'dead', reason: 'exhausted' };
  if (result.retryAfterMs !== undefined) return { action: 'retry', delayMs: result.retryAfterMs, reason: 'retry-after' };
  return { action: 'retry', delayMs: backoffDelayMs(policy, result.attempt, random), reason: 'backoff' };
}
