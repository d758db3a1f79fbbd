import { retryAfter } from '@switchyard/events';
import { SwitchyardError } from '@switchyard/protocol';
import type { DeliveryAttemptResult } from '../delivery/delivery-attempt.js';

/**
 * The error a failed attempt throws into the event bus: its catalog code and `retriable` flag
 * decide the route (retriable: a retry tier; 410 and SSRF refusals: the endpoint's DLQ at once),
 * the message and details (status, latency, snippet) land in the dead letter, and a 429/503 with
 * Retry-After is marked with the bus's `retryAfter` (the retry waits at least that long).
 */
export function deliveryError(endpointId: string, result: DeliveryAttemptResult): SwitchyardError {
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
  return result.retryAfterMs === undefined ? thrown : retryAfter(thrown, result.retryAfterMs);
}
