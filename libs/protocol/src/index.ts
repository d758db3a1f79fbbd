/**
 * @switchyard/protocol: zod schemas of the Switchyard protocol (worker, event bus, jobs,
 * message queue), the error catalog, edge validation and JSON Schema export. No I/O.
 *
 * This is the lib's only public door (STYLE.md #2): import from `@switchyard/protocol`.
 */

// errors
export { ERROR_CODES, isErrorCode } from './errors/error-codes.js';
export type { ErrorCode } from './errors/error-codes.js';
export {
  SwitchyardError,
  UnrecoverableError,
  isSwitchyardError,
} from './errors/switchyard.error.js';
export type { SwitchyardErrorJson, SwitchyardErrorOptions } from './errors/switchyard.error.js';

// validation
export {
  deepFreeze,
  formatIssuePath,
  parseOrThrow,
  safeParseIssues,
} from './validation/parse-or-throw.js';
export type { ParseOrThrowOptions, ProtocolIssue } from './validation/parse-or-throw.js';

// primitives
export {
  MAX_TIMER_MS,
  QUEUE_NAME_PATTERN,
  QueueNameSchema,
  SNAKE_CASE_ID_PATTERN,
  timerMs,
} from './primitives.schema.js';
export type { QueueName } from './primitives.schema.js';

// worker: tasks
export {
  TASK_PRIORITY_VALUES,
  TaskExecutionResultSchema,
  TaskPriority,
  TaskRetryPolicySchema,
  TaskSchema,
  TaskStatus,
  taskPriorityFromNumber,
} from './task.schema.js';
export type {
  Task,
  TaskExecutionResult,
  TaskExecutionResultInput,
  TaskInput,
  TaskRetryPolicy,
  TaskRetryPolicyInput,
} from './task.schema.js';

// worker: queues, batches, workers
export { QueueConfigSchema } from './queue.schema.js';
export type { QueueConfig, QueueConfigInput } from './queue.schema.js';
export { BatchProgressSchema, BatchTaskSchema } from './batch.schema.js';
export type {
  BatchProgress,
  BatchProgressCallback,
  BatchProgressInput,
  BatchProgressUpdate,
  BatchTask,
  BatchTaskInput,
} from './batch.schema.js';
export { WorkerConfigSchema, WorkerStatsSchema } from './worker.schema.js';
export type {
  TaskHandler,
  WorkerConfig,
  WorkerConfigInput,
  WorkerStats,
  WorkerStatsInput,
} from './worker.schema.js';

// event bus
export {
  EVENT_PRIORITY_VALUES,
  EventMetadataSchema,
  EventNameSchema,
  EventPriority,
  EventSchema,
  EventTypeDefinitionSchema,
  eventPriorityFromNumber,
} from './events/event.schema.js';
export type {
  Event,
  EventInput,
  EventMetadata,
  EventMetadataInput,
  EventName,
  EventTypeDefinition,
  EventTypeDefinitionInput,
} from './events/event.schema.js';
export { EventHandlerSchema, EventRouteSchema } from './events/event-handler.schema.js';
export type {
  EventFilterFn,
  EventHandler,
  EventHandlerFn,
  EventHandlerInput,
  EventRoute,
  EventRouteInput,
  EventTransformFn,
} from './events/event-handler.schema.js';
export {
  DeadLetterQueueEntrySchema,
  EventLogEntrySchema,
  EventPersistenceSchema,
  EventQueueConfigSchema,
  EventReplayConfigSchema,
  EventSourcingConfigSchema,
} from './events/event-storage.schema.js';
export type {
  DeadLetterQueueEntry,
  DeadLetterQueueEntryInput,
  EventLogEntry,
  EventLogEntryInput,
  EventPersistence,
  EventPersistenceInput,
  EventQueueConfig,
  EventQueueConfigInput,
  EventReplayConfig,
  EventReplayConfigInput,
  EventSourcingConfig,
  EventSourcingConfigInput,
} from './events/event-storage.schema.js';
export {
  EventMessageQueueConfigSchema,
  EventWebhookConfigSchema,
  RealTimeNotificationConfigSchema,
} from './events/event-integrations.schema.js';
export type {
  EventMessageQueueConfig,
  EventMessageQueueConfigInput,
  EventWebhookConfig,
  EventWebhookConfigInput,
  RealTimeNotificationConfig,
  RealTimeNotificationConfigInput,
} from './events/event-integrations.schema.js';
export { EventBusConfigSchema } from './events/event-bus.schema.js';
export type { EventBusConfig, EventBusConfigInput } from './events/event-bus.schema.js';

// jobs
export {
  CronScheduleSchema,
  IntervalScheduleSchema,
  JobExecutionSchema,
  JobExecutionStatus,
  JobRetryPolicySchema,
  JobSchema,
  OnceScheduleSchema,
  RetryPolicySchema,
  ScheduleSchema,
} from './job.schema.js';
export type {
  CronSchedule,
  IntervalSchedule,
  Job,
  JobExecution,
  JobExecutionInput,
  JobInput,
  JobRetryPolicy,
  JobRetryPolicyInput,
  OnceSchedule,
  RetryPolicy,
  RetryPolicyInput,
  Schedule,
  ScheduleInput,
} from './job.schema.js';

// message queue
export {
  ConsumerConfigSchema,
  MessageQueueConfigSchema,
  MessageQueueDeadLetterQueueSchema,
  MessageQueueProviderSchema,
  TopicConfigSchema,
} from './message-queue.schema.js';
export type {
  ConsumerConfig,
  ConsumerConfigInput,
  MessageQueueConfig,
  MessageQueueConfigInput,
  MessageQueueDeadLetterQueue,
  MessageQueueDeadLetterQueueInput,
  MessageQueueProvider,
  TopicConfig,
  TopicConfigInput,
} from './message-queue.schema.js';

// REST and HTTP servers (the gateway)
export { apiPathOf, BatchEndpointsConfigSchema, CrudEndpointsConfigSchema, CrudOperation, GeneratedEndpointSchema, HttpMethod, MetadataEndpointsConfigSchema, RestApiConfigSchema, RestApiDocumentationSchema, RestServerConfigSchema, RouteGenerationConfigSchema } from './rest-server.schema.js';
export type { GeneratedEndpoint, RestApiConfig, RestServerConfig, RestServerConfigInput } from './rest-server.schema.js';
export { byteSizeOf, ByteSizeSchema, HttpServerConfigSchema, MiddlewareConfigSchema } from './http-server.schema.js';
export type { HttpServerConfig, HttpServerConfigInput, MiddlewareConfig } from './http-server.schema.js';

// JSON Schema
export { PROTOCOL_SCHEMAS } from './schema-registry.js';
export type { ProtocolSchemaName } from './schema-registry.js';
export { jsonSchemaFor, toJsonSchemas } from './json-schema.js';
export type { JsonSchema } from './json-schema.js';
