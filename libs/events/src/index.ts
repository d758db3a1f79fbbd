/**
 * @switchyard/events: the event bus on Kafka. CloudEvents binary-mode records on
 * `events.<domain>[.<lane>]`, an event type catalog with an optional schema registry, wildcard
 * subscriptions (one consumer group each) with per-handler retries and a DLQ per subscription,
 * the event log, and exactly-once routes. One public door.
 */
export { EventBus, createEventBus, type EventBusConfigOptions, type EventBusDeps, type UnsupportedPart } from './event-bus.js';
export { EventPublisher, type PublishEvent, type PublishReceipt, type PreparedEvent } from './publish/event-publisher.js';
export { EventTypeCatalog, type CatalogEntry, type PayloadSchema } from './catalog/event-type-catalog.js';
export { EventCodec, type RegistryPort, type EncodedPayload } from './catalog/event-codec.js';
export { Subscription, type SubscriptionState } from './subscribe/subscription.js';
export { SubscriptionOptionsSchema, SubscriptionNameSchema, type SubscriptionOptions, type SubscriptionOptionsInput } from './subscribe/subscription.options.js';
export type { BusEvent, EventContext, EventHandlerFunction, SubscribeHandler } from './subscribe/event-handler.js';
export { retryAfter, RETRY_AFTER_CAP_MS, type RetryAfterError } from './subscribe/retry-after.js';
export { EventRouter, type RouteDefinition } from './route/event-router.js';
export { findEventLog, decodeLogEntry, EVENT_LOG_HEADERS, type EventLogQuery, type SubscriptionLogEntry } from './log/event-log.js';
export { readDeadEvents, type DeadEvent, type DeadRecord } from './dlq/dead-events.js';
export { EventMetrics } from './metrics/event-metrics.js';
// The event-name pattern lives in @switchyard/kafka (subscriptions, routes, realtime and webhooks share it); re-exported for users of the event bus.
export { compilePattern, EventPatternSchema, type CompiledPattern } from '@switchyard/kafka';
export { EventTopologyOptionsSchema, planDomainTopics, planSubscriptionTopics, type EventTopologyOptions, type EventTopologyOptionsInput } from './topology/event-topology.js';
export { UnrecoverableError, SwitchyardError } from '@switchyard/protocol';
export { SchemaRegistryCodec, type SchemaRegistryCodecOptions, type SchemaCompatibility } from './registry/schema-registry-codec.js';
