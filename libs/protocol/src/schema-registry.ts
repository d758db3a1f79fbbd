import type { z } from 'zod';
import { BatchProgressSchema, BatchTaskSchema } from './batch.schema.js';
import {
  EventMetadataSchema,
  EventNameSchema,
  EventPriority,
  EventSchema,
  EventTypeDefinitionSchema,
} from './events/event.schema.js';
import { EventBusConfigSchema } from './events/event-bus.schema.js';
import {
  BatchEndpointsConfigSchema,
  CrudEndpointsConfigSchema,
  CrudOperation,
  GeneratedEndpointSchema,
  HttpMethod,
  MetadataEndpointsConfigSchema,
  RestApiConfigSchema,
  RestApiDocumentationSchema,
  RestServerConfigSchema,
  RouteGenerationConfigSchema,
} from './rest-server.schema.js';
import { ByteSizeSchema, HttpServerConfigSchema, MiddlewareConfigSchema } from './http-server.schema.js';
import { EventHandlerSchema, EventRouteSchema } from './events/event-handler.schema.js';
import {
  EventMessageQueueConfigSchema,
  EventWebhookConfigSchema,
  RealTimeNotificationConfigSchema,
} from './events/event-integrations.schema.js';
import {
  DeadLetterQueueEntrySchema,
  EventLogEntrySchema,
  EventPersistenceSchema,
  EventQueueConfigSchema,
  EventReplayConfigSchema,
  EventSourcingConfigSchema,
} from './events/event-storage.schema.js';
import {
  CronScheduleSchema,
  IntervalScheduleSchema,
  JobExecutionSchema,
  JobExecutionStatus,
  JobRetryPolicySchema,
  JobSchema,
  OnceScheduleSchema,
  ScheduleSchema,
} from './job.schema.js';
import {
  ConsumerConfigSchema,
  MessageQueueConfigSchema,
  MessageQueueDeadLetterQueueSchema,
  MessageQueueProviderSchema,
  TopicConfigSchema,
} from './message-queue.schema.js';
import { QueueNameSchema } from './primitives.schema.js';
import { QueueConfigSchema } from './queue.schema.js';
import {
  TaskExecutionResultSchema,
  TaskPriority,
  TaskRetryPolicySchema,
  TaskSchema,
  TaskStatus,
} from './task.schema.js';
import { WorkerConfigSchema, WorkerStatsSchema } from './worker.schema.js';

/**
 * Every exported protocol schema by its export name. `RetryPolicySchema` is omitted because it
 * is the same object as `JobRetryPolicySchema`.
 */
export const PROTOCOL_SCHEMAS = {
  // worker
  TaskPriority,
  TaskStatus,
  TaskRetryPolicySchema,
  TaskSchema,
  TaskExecutionResultSchema,
  QueueNameSchema,
  QueueConfigSchema,
  BatchTaskSchema,
  BatchProgressSchema,
  WorkerConfigSchema,
  WorkerStatsSchema,
  // event bus
  EventNameSchema,
  EventPriority,
  EventMetadataSchema,
  EventTypeDefinitionSchema,
  EventSchema,
  EventHandlerSchema,
  EventRouteSchema,
  EventPersistenceSchema,
  EventQueueConfigSchema,
  EventReplayConfigSchema,
  EventSourcingConfigSchema,
  DeadLetterQueueEntrySchema,
  EventLogEntrySchema,
  EventWebhookConfigSchema,
  EventMessageQueueConfigSchema,
  RealTimeNotificationConfigSchema,
  EventBusConfigSchema,
  // job
  CronScheduleSchema,
  IntervalScheduleSchema,
  OnceScheduleSchema,
  ScheduleSchema,
  JobRetryPolicySchema,
  JobSchema,
  JobExecutionStatus,
  JobExecutionSchema,
  // message queue
  MessageQueueProviderSchema,
  TopicConfigSchema,
  ConsumerConfigSchema,
  MessageQueueDeadLetterQueueSchema,
  MessageQueueConfigSchema,
  // REST and HTTP server
  HttpMethod,
  CrudOperation,
  RestApiDocumentationSchema,
  RestApiConfigSchema,
  CrudEndpointsConfigSchema,
  MetadataEndpointsConfigSchema,
  BatchEndpointsConfigSchema,
  RouteGenerationConfigSchema,
  RestServerConfigSchema,
  GeneratedEndpointSchema,
  ByteSizeSchema,
  HttpServerConfigSchema,
  MiddlewareConfigSchema,
} as const satisfies Record<string, z.ZodType>;

/** Name of an exported protocol schema, e.g. `'TaskSchema'`. */
export type ProtocolSchemaName = keyof typeof PROTOCOL_SCHEMAS;
