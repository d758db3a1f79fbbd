import { SwitchyardError } from '@switchyard/protocol';
import type { DeliveryAttemptResult } from '../delivery/delivery-attempt.js';

/**
 * A handler error the event bus may retry no sooner than `retryAfterMs` from now (the bus's
 * contract: an own numeric `retryAfterMs` property sets the retry's not-before to at least
 * now + retryAfterMs).
 */
export type RetryAfterError = SwitchyardError & { readonly retryAfterMs?: number };

/** Adds the bus's own `retryAfterMs` property to an error. */
export function withRetryAfter(error: SwitchyardError, retryAfterMs: number | undefined): RetryAfterError {
  if (retryAfterMs !== undefined) Object.defineProperty(error, 'retryAfterMs', { value: retryAfterMs, enumerable: true });
  return error;
}

/**
 * The error a failed attempt throws into the event bus: its catalog code and `retriable` flag
 * decide the route (retry tier, or the endpoint's DLQ at once for 410 and SSRF refusals), the
 * message and details (status, latency, snippet) land in the dead letter, and a 429/503 with
 * Retry-After carries `retryAfterMs`.
 */
export function deliveryError(endpointId: string, result: DeliveryAttemptResult): RetryAfterError {
  const error = result.error ?? { code: 'SY_WEBHOOK_DELIVERY_FAILED' as const, message: `Attempt ended ${result.outcome}.`, retriable: true };
  const details = {
    endpointId,
    messageId: result.messageId,
    attempt: result.attempt,
    outcome: result.outcome,
    latencyMs: result.latencyMs,
    ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
    ...(result.responseSnippet ? { responseSnippet: result.responseSnippet.slice(0, 256) } : {}),
    ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
  };
  const thrown = new SwitchyardError(error.code, `Webhook ${endpointId}: ${error.message}`, { retriable: error.retriable, details });
  return withRetryAfter(thrown, result.retryAfterMs);
}
