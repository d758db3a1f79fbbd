/**
 * @switchyard/webhooks: the webhooks engine (issue 15). Standard Webhooks signing with secret
 * rotation, the SSRF guard, one HTTP delivery attempt, the endpoint registry in a compacted topic,
 * delivery log records, metrics, the per-endpoint circuit breaker, and the dispatcher that consumes
 * events and delivers them (one event-bus subscription per endpoint). The lib's only public door.
 */

// signing
export {
  WEBHOOK_SECRET_PREFIX,
  WEBHOOK_SECRET_MIN_BYTES,
  WEBHOOK_SECRET_MAX_BYTES,
  generateWebhookSecret,
  parseWebhookSecret,
  isWebhookSecret,
} from './signing/webhook-secret.js';
export { WEBHOOK_HEADERS, signWebhook, signatureOf, type SignInput } from './signing/webhook-signature.js';

// SSRF guard
export { SsrfGuard, systemLookup, type CheckedTarget, type HostLookup, type RefusalClass, type ResolvedAddress } from './ssrf/ssrf-guard.js';
export { SsrfGuardOptionsSchema, type SsrfGuardOptions, type SsrfGuardOptionsInput } from './ssrf/ssrf-guard.options.js';
export { classifyAddress, type AddressVerdict, type Ipv4Embedding, type RefusedAddressClass } from './ssrf/address-class.js';

// one delivery attempt and what follows it
export {
  WebhookDeliverer,
  type AttemptOutcome,
  type DeliveryAttemptResult,
  type DeliveryEndpoint,
  type DeliveryRequest,
  type WebhookDelivererOptions,
} from './delivery/delivery-attempt.js';
export { DeliveryAttemptOptionsSchema, type DeliveryAttemptOptions, type DeliveryAttemptOptionsInput } from './delivery/delivery-attempt.options.js';
export { planAfterAttempt, type NextStep } from './delivery/retry-plan.js';
export { backoffCeilingMs, backoffDelayMs, type WebhookRetryPolicy } from './delivery/delivery-backoff.js';
export { parseRetryAfter, DEFAULT_RETRY_AFTER_CAP_MS } from './delivery/retry-after.js';
export { authHeaders, DEFAULT_API_KEY_HEADER } from './delivery/auth-headers.js';

// endpoint registry (compacted topic)
export { WebhookEndpointSchema, WEBHOOK_ENDPOINT_ID_PATTERN, type WebhookEndpoint, type WebhookEndpointInput } from './registry/webhook-endpoint.schema.js';
export { WEBHOOK_ENDPOINT_V1, decodeEndpointRecord, encodeEndpointDeletion, encodeStoredEndpoint, foldEndpoints, signingSecrets, type StoredEndpoint } from './registry/endpoint-record.v1.js';
export { WebhookEndpointRegistry, type EndpointRegistryDeps, type EndpointView, type EndpointWithSecret, type NewEndpointInput } from './registry/endpoint-registry.js';
export { EndpointRegistryOptionsSchema, type EndpointRegistryOptions, type EndpointRegistryOptionsInput } from './registry/endpoint-registry.options.js';

// delivery log, metrics, circuit breaker
export {
  WEBHOOK_DELIVERY_V1,
  DeliveryLogRecordSchema,
  deliveryLogRecord,
  encodeDeliveryLogRecord,
  decodeDeliveryLogRecord,
  matchesDeliveryQuery,
  type DeliveryLogQuery,
  type DeliveryLogRecord,
} from './log/webhook-delivery.v1.js';
export { WebhookMetrics } from './metrics/webhook-metrics.js';
export {
  BREAKER_TRANSITIONS,
  CircuitBreaker,
  CircuitBreakerOptionsSchema,
  breakerVerdict,
  circuitOpenError,
  nextBreakerState,
  type BreakerEvent,
  type BreakerPermit,
  type BreakerState,
  type CircuitBreakerOptions,
  type CircuitBreakerOptionsInput,
} from './breaker/circuit-breaker.js';

// what an event becomes on the wire
export { webhookMessage, type WebhookMessage, type WebhookTransform } from './payload/webhook-message.js';

// the dispatcher: events -> every matching endpoint
export { WebhookDispatcher, type WebhookDispatcherDeps } from './dispatch/webhook-dispatcher.js';
export { WebhookDispatcherOptionsSchema, type WebhookDispatcherOptions, type WebhookDispatcherOptionsInput } from './dispatch/dispatcher.options.js';
export { WEBHOOK_SUBSCRIPTION_PREFIX, webhookSubscriptionName } from './dispatch/subscription-name.js';
export { WEBHOOK_DELIVERIES_TOPIC, DeliveryLogWriter, queryDeliveryLog, type DeliveryLogTopicOptions } from './dispatch/delivery-log.js';
export { deliveryError } from './dispatch/delivery-error.js';
