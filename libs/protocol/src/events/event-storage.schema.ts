import { z } from 'zod';
import { fn, isoDateTime } from '../primitives.schema.js';
import { EventSchema } from './event.schema.js';
import type { EventFilterFn } from './event-handler.schema.js';
import { EventRetryPolicySchema } from './event-retry-policy.schema.js';

/** Event persistence: retention (required), filter and storage backend. */
export const EventPersistenceSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Enable event persistence'),
    retention: z.number().int().positive().describe('Retention period in days (required)'),
    filter: fn<EventFilterFn>()
      .optional()
      .describe('Optional predicate (event) => boolean; only matching events are persisted'),
    storage: z
      .enum(['database', 'file', 's3', 'custom'])
      .default('database')
      .describe('Storage backend'),
  })
  .describe('Event persistence configuration');

/** Parsed {@link EventPersistenceSchema}. */
export type EventPersistence = z.infer<typeof EventPersistenceSchema>;
/** Input of {@link EventPersistenceSchema}. */
export type EventPersistenceInput = z.input<typeof EventPersistenceSchema>;

/** Asynchronous event queue: concurrency, retry with backoff strategy, DLQ name. */
export const EventQueueConfigSchema = z
  .object({
    name: z.string().default('events').describe('Event queue name'),
    concurrency: z.number().int().min(1).default(10).describe('Max concurrent event handlers'),
    retryPolicy: EventRetryPolicySchema
      .optional()
      .describe('Retry policy of the event queue'),
    deadLetterQueue: z.string().optional().describe('Dead letter queue name'),
    priorityEnabled: z.boolean().default(true).describe('Process events by priority'),
  })
  .describe('Event queue configuration');

/** Parsed {@link EventQueueConfigSchema}. */
export type EventQueueConfig = z.infer<typeof EventQueueConfigSchema>;
/** Input of {@link EventQueueConfigSchema}. */
export type EventQueueConfigInput = z.input<typeof EventQueueConfigSchema>;

/** Replay of stored events over a time range. */
export const EventReplayConfigSchema = z
  .object({
    fromTimestamp: isoDateTime().describe('ISO 8601 datetime to start replay from'),
    toTimestamp: isoDateTime().optional().describe('ISO 8601 datetime to end replay at'),
    eventTypes: z.array(z.string()).optional().describe('Event types to replay (empty = all)'),
    filters: z.record(z.string(), z.unknown()).optional().describe('Additional filters'),
    targetHandlers: z
      .array(z.string())
      .optional()
      .describe('Handler IDs to replay to (empty = all)'),
    speed: z.number().positive().default(1).describe('Replay speed multiplier (1 = real-time)'),
  })
  .describe('Event replay configuration');

/** Parsed {@link EventReplayConfigSchema}. */
export type EventReplayConfig = z.infer<typeof EventReplayConfigSchema>;
/** Input of {@link EventReplayConfigSchema}. */
export type EventReplayConfigInput = z.input<typeof EventReplayConfigSchema>;

/** Event sourcing: snapshots, retention, aggregate types, event store. */
export const EventSourcingConfigSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Enable event sourcing'),
    snapshotInterval: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('Create snapshot every N events'),
    snapshotRetention: z
      .number()
      .int()
      .positive()
      .default(10)
      .describe('Number of snapshots to keep'),
    retention: z.number().int().positive().default(365).describe('Event retention in days'),
    aggregateTypes: z.array(z.string()).optional().describe('Aggregate types to event-source'),
    storage: z
      .object({
        type: z
          .enum(['database', 'file', 's3', 'eventstore'])
          .default('database')
          .describe('Event store backend'),
        options: z.record(z.string(), z.unknown()).optional().describe('Storage options'),
      })
      .optional()
      .describe('Event store configuration'),
  })
  .describe('Event sourcing configuration');

/** Parsed {@link EventSourcingConfigSchema}. */
export type EventSourcingConfig = z.infer<typeof EventSourcingConfigSchema>;
/** Input of {@link EventSourcingConfigSchema}. */
export type EventSourcingConfigInput = z.input<typeof EventSourcingConfigSchema>;

/** An event that failed processing and was moved to the dead letter queue. */
export const DeadLetterQueueEntrySchema = z
  .object({
    id: z.string().describe('Entry identifier'),
    event: EventSchema.describe('The failed event'),
    error: z
      .object({
        message: z.string().describe('Error message'),
        stack: z.string().optional().describe('Error stack trace'),
        code: z.string().optional().describe('Error code'),
      })
      .describe('Failure details'),
    retries: z.number().int().min(0).describe('Number of retry attempts'),
    firstFailedAt: isoDateTime().describe('ISO 8601 datetime of the first failure'),
    lastFailedAt: isoDateTime().describe('ISO 8601 datetime of the last failure'),
    failedHandler: z.string().optional().describe('Handler that failed'),
  })
  .describe('Dead letter queue entry');

/** Parsed {@link DeadLetterQueueEntrySchema}. */
export type DeadLetterQueueEntry = z.infer<typeof DeadLetterQueueEntrySchema>;
/** Input of {@link DeadLetterQueueEntrySchema}. */
export type DeadLetterQueueEntryInput = z.input<typeof DeadLetterQueueEntrySchema>;

/** Event log entry tracking the execution of every handler of one event. */
export const EventLogEntrySchema = z
  .object({
    id: z.string().describe('Log entry identifier'),
    event: EventSchema.describe('The event'),
    status: z
      .enum(['pending', 'processing', 'completed', 'failed'])
      .describe('Processing status'),
    handlersExecuted: z
      .array(
        z.object({
          handlerId: z.string().describe('Handler identifier'),
          status: z.enum(['success', 'failed', 'timeout']).describe('Handler execution status'),
          durationMs: z.number().int().optional().describe('Execution duration in milliseconds'),
          error: z.string().optional().describe('Error message if failed'),
        }),
      )
      .optional()
      .describe('One entry per executed handler'),
    receivedAt: isoDateTime().describe('ISO 8601 datetime the event was received'),
    processedAt: isoDateTime().optional().describe('ISO 8601 datetime processing finished'),
    totalDurationMs: z.number().int().optional().describe('Total processing time in milliseconds'),
  })
  .describe('Event log entry');

/** Parsed {@link EventLogEntrySchema}. */
export type EventLogEntry = z.infer<typeof EventLogEntrySchema>;
/** Input of {@link EventLogEntrySchema}. */
export type EventLogEntryInput = z.input<typeof EventLogEntrySchema>;
