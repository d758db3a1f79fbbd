import { UnrecoverableError, isSwitchyardError } from '@switchyard/protocol';
import type { TaskRetryPolicy } from '@switchyard/protocol';

/** Why {@link shouldRetry} decided as it did. */
export type RetryReason = 'retriable' | 'exhausted' | 'unrecoverable' | 'non-retriable-code';

/** The outcome of {@link shouldRetry}. */
export interface RetryDecision {
  /** True when the task should be scheduled again. */
  readonly retry: boolean;
  /** Why. */
  readonly reason: RetryReason;
}

/**
 * The delay before the next attempt after attempt number `failedAttempt` failed (1 = the first
 * attempt failed), in whole milliseconds.
 *
 * - `fixed`: `initialDelayMs`
 * - `linear`: `initialDelayMs * failedAttempt`
 * - `exponential`: `initialDelayMs * backoffMultiplier ^ (failedAttempt - 1)`
 *
 * The result is rounded to whole milliseconds, never negative and always capped at `maxDelayMs`
 * (also when `maxDelayMs < initialDelayMs`). An overflow (`Infinity`) yields `maxDelayMs`.
 * A `failedAttempt` below 1 (or NaN) is treated as 1.
 */
export function computeBackoffMs(policy: TaskRetryPolicy, failedAttempt: number): number {
  const attempt = Number.isNaN(failedAttempt) ? 1 : Math.max(1, Math.floor(failedAttempt));
  const cap = Math.max(0, policy.maxDelayMs);
  const raw = rawDelayMs(policy, attempt);
  if (Number.isNaN(raw) || raw >= cap) return cap;
  return Math.max(0, Math.round(raw));
}

function rawDelayMs(policy: TaskRetryPolicy, attempt: number): number {
  switch (policy.backoffStrategy) {
    case 'fixed':
      return policy.initialDelayMs;
    case 'linear':
      return policy.initialDelayMs * attempt;
    case 'exponential':
      // 1 ** Infinity is NaN in JavaScript; a multiplier of 1 is a fixed delay.
      if (policy.backoffMultiplier === 1) return policy.initialDelayMs;
      return policy.initialDelayMs * policy.backoffMultiplier ** (attempt - 1);
  }
}

/**
 * Decides whether a task whose attempt number `failedAttempt` (1-based) failed with `error` gets
 * another attempt. `maxRetries` counts retries after the first attempt, so a task runs at most
 * `maxRetries + 1` times.
 *
 * Decided on properties only, never on message text, checked in this order:
 * 1. an {@link UnrecoverableError} (or any SwitchyardError with code `SY_UNRECOVERABLE`) -> `unrecoverable`
 * 2. a SwitchyardError whose `retriable` is false -> `non-retriable-code`
 * 3. `failedAttempt > maxRetries` -> `exhausted`
 * 4. otherwise (including plain `Error`s and non-Error throwables) -> `retriable`
 */
export function shouldRetry(
  policy: TaskRetryPolicy,
  failedAttempt: number,
  error: unknown,
): RetryDecision {
  if (error instanceof UnrecoverableError) return { retry: false, reason: 'unrecoverable' };
  if (isSwitchyardError(error)) {
    if (error.code === 'SY_UNRECOVERABLE') return { retry: false, reason: 'unrecoverable' };
    if (!error.retriable) return { retry: false, reason: 'non-retriable-code' };
  }
  if (failedAttempt > policy.maxRetries) return { retry: false, reason: 'exhausted' };
  return { retry: true, reason: 'retriable' };
}
