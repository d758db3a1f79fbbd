import type { EventWebhookConfig } from '@switchyard/protocol';

/** The seed's webhook retry policy (maxRetries 3, exponential, 1000 ms, 60000 ms by default). */
export type WebhookRetryPolicy = NonNullable<EventWebhookConfig['retryPolicy']>;

/**
 * The ceiling of the wait after failed attempt number `failedAttempt` (1 = the first attempt
 * failed): `initialDelayMs` (fixed), `initialDelayMs * n` (linear) or `initialDelayMs * 2^(n-1)`
 * (exponential; the seed has no multiplier field), never above `maxDelayMs`.
 */
export function backoffCeilingMs(policy: WebhookRetryPolicy, failedAttempt: number): number {
  const n = Math.max(1, Math.floor(failedAttempt));
  const raw = policy.backoffStrategy === 'fixed' ? policy.initialDelayMs : policy.backoffStrategy === 'linear' ? policy.initialDelayMs * n : policy.initialDelayMs * 2 ** (n - 1);
  return Math.min(policy.maxDelayMs, raw);
}

/**
 * The wait before the next attempt with full jitter: uniform in [0, ceiling] (AWS "full jitter"),
 * so endpoints that failed together do not retry together. `random` is injectable for tests.
 */
export function backoffDelayMs(policy: WebhookRetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * (backoffCeilingMs(policy, failedAttempt) + 1));
}
