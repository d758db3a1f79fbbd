import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { retryAfter, type BusEvent, type EventContext } from '@switchyard/events';
import { circuitOpenError, type CircuitBreaker } from '../breaker/circuit-breaker.js';
import type { WebhookDeliverer } from '../delivery/delivery-attempt.js';
import { backoffCeilingMs, type WebhookRetryPolicy } from '../delivery/delivery-backoff.js';
import { planAfterAttempt, type NextStep } from '../delivery/retry-plan.js';
import { deliveryLogRecord } from '../log/webhook-delivery.v1.js';
import type { WebhookMetrics } from '../metrics/webhook-metrics.js';
import { webhookMessage, type WebhookTransform } from '../payload/webhook-message.js';
import { signingSecrets, type StoredEndpoint } from '../registry/endpoint-record.v1.js';
import { WebhookEndpointSchema } from '../registry/webhook-endpoint.schema.js';
import { deliveryError } from './delivery-error.js';
import type { DeliveryLogWriter } from './delivery-log.js';

/** What the delivery handler of one endpoint works with. */
export interface EndpointDeliveryDeps {
  readonly endpointId: string;
  /** The endpoint as stored now (URL, headers and secrets are read per attempt, so changes apply at once). */
  readonly current: () => StoredEndpoint | undefined;
  readonly deliverer: WebhookDeliverer;
  readonly breaker: CircuitBreaker;
  readonly metrics: WebhookMetrics;
  readonly log: DeliveryLogWriter;
  readonly transform?: WebhookTransform;
  /** 410 Gone: disable the endpoint (called once per 410). */
  readonly onGone: (endpointId: string, reason: string) => void;
  readonly now?: () => number;
  /** Jitter source (tests). */
  readonly random?: () => number;
}

/** The seed's default webhook retry policy (3, exponential, 1000, 60000), from the endpoint schema itself. */
const DEFAULT_RETRY_POLICY: WebhookRetryPolicy = WebhookEndpointSchema.shape.retryPolicy.unwrap().parse({});

/** The endpoint's retry policy, or the seed's default. */
export function retryPolicyOf(stored: Pick<StoredEndpoint, 'endpoint'>): WebhookRetryPolicy {
  return stored.endpoint.retryPolicy ?? DEFAULT_RETRY_POLICY;
}

/**
 * The event-bus handler of one endpoint: the Standard Webhooks message of the event (or the
 * transform's), one signed attempt through the SSRF-pinned deliverer once the circuit breaker
 * lets it go, a delivery log record and metrics, then: 2xx returns; any other ending throws a
 * catalog error the bus routes (retriable: its retry tiers; 410 and SSRF refusals: the endpoint's
 * DLQ at once; 429/503 carry `retryAfterMs`). An open breaker is waited out in the handler for at
 * most one cool-down (the endpoint's intake stalls, no attempt is made); still open then, the
 * event goes to a retry tier with `SY_WEBHOOK_CIRCUIT_OPEN`.
 */
export function endpointDeliveryHandler(deps: EndpointDeliveryDeps): (event: BusEvent, context: EventContext) => Promise<void> {
  const now = deps.now ?? Date.now;
  return async (event, context) => {
    const stored = deps.current();
    if (!stored?.endpoint.enabled) {
      throw new SwitchyardError('SY_WEBHOOK_UNKNOWN_ENDPOINT', `Webhook ${deps.endpointId} is disabled or removed; the event waits in a retry tier.`, { retriable: true, details: { endpointId: deps.endpointId } });
    }
    const message = webhookMessage(event, deps.transform);
    await passBreaker(deps, context.signal);
    const result = await deps.deliverer.attempt({ endpoint: stored.endpoint, secrets: signingSecrets(stored, now()), messageId: message.messageId, body: message.body, attempt: context.attempt, signal: context.signal });
    deps.breaker.record(result.outcome);
    deps.metrics.observeAttempt(deps.endpointId, result);
    const policy = retryPolicyOf(stored);
    const waitMs = result.retryAfterMs ?? jitteredBackoffMs(policy, result.attempt, deps.random ?? Math.random);
    await deps.log.write(deliveryLogRecord(deps.endpointId, event.id, result, loggedStep(planAfterAttempt(result, policy), waitMs)));
    if (result.outcome === 'succeeded') return;
    if (result.outcome === 'gone') deps.onGone(deps.endpointId, `410 Gone at ${result.startedAt} (event ${event.id})`);
    const error = deliveryError(deps.endpointId, result);
    throw result.retryAfterMs === undefined && error.retriable ? retryAfter(error, waitMs) : error;
  };
}

/**
 * The wait before the next attempt: the policy's backoff (which the event bus waits anyway) plus a
 * jitter uniform in [0, backoff / 2], so endpoints that failed together do not retry together. The
 * bus takes a Retry-After as a floor under its backoff, so jitter can only be added on top.
 */
export function jitteredBackoffMs(policy: WebhookRetryPolicy, failedAttempt: number, random: () => number): number {
  const ceiling = backoffCeilingMs(policy, failedAttempt);
  return ceiling + Math.floor(random() * (Math.floor(ceiling / 2) + 1));
}

/** Waits while the breaker refuses, for at most one cool-down; then fails into a retry tier. */
async function passBreaker(deps: Pick<EndpointDeliveryDeps, 'breaker' | 'endpointId'>, signal: AbortSignal): Promise<void> {
  let budget = deps.breaker.options.cooldownMs;
  for (;;) {
    const permit = deps.breaker.tryAcquire();
    if (permit.allowed) return;
    if (budget <= 0 || signal.aborted) throw retryAfter(circuitOpenError(deps.endpointId, permit.retryInMs), permit.retryInMs);
    const wait = Math.max(1, Math.min(permit.retryInMs, budget));
    budget -= wait;
    await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
}

/** The step as the bus takes it: its retry waits the Retry-After, or the jittered backoff. */
function loggedStep(step: NextStep, waitMs: number): NextStep {
  return step.action === 'retry' ? { ...step, delayMs: waitMs } : step;
}
