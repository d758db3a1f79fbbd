/**
 * @switchyard/realtime: the fan-out engine of browser streams. Task status changes and events
 * read from Kafka by one reader per instance, scoped per client (tenant, user, channels, event
 * patterns, task ids), pushed through a bounded buffer with a rate limit, with ids that encode the
 * Kafka position so a reconnect resumes without a gap. Transports (SSE, WebSocket) live in the
 * gateway. The lib's only public door.
 */
export { RealtimeHub, type RealtimeHubDeps, type ConnectRequest } from './hub/realtime-hub.js';
export { RealtimeMetrics } from './metrics/realtime-metrics.js';
export { RealtimeOptionsSchema, type RealtimeOptions, type RealtimeOptionsInput } from './realtime.options.js';
export { StreamCursor, partitionKey } from './position/stream-cursor.js';
export { StreamPolicy, compileSubscription, mergeSubscription, EMPTY_SUBSCRIPTION, type StreamScope, type StreamSubscription, type CompiledSubscription } from './filter/stream-filter.js';
export { StreamClient, type HubRecord, type StreamClientLimits, type StreamClientState } from './client/stream-client.js';
export { ClientRateLimit } from './client/client-rate-limit.js';
export type { StreamFrame, StreamSink, DropReason } from './client/stream-sink.js';
export { decodeStreamMessage, type StreamMessage, type TaskStatusMessage, type EventMessage } from './message/stream-message.js';
