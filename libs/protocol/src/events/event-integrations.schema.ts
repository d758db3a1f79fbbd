import { z } from 'zod';
import { fn, timerMs } from '../primitives.schema.js';
import { MessageQueueProviderSchema } from '../message-queue.schema.js';
import type { EventFilterFn, EventTransformFn } from './event-handler.schema.js';
import { EventRetryPolicySchema } from './event-retry-policy.schema.js';

/** Delivers events matching a pattern to an HTTP endpoint. */
export const EventWebhookConfigSchema = z
  .object({
    id: z.string().optional().describe('Webhook identifier'),
    eventPattern: z.string().describe('Event name pattern (supports wildcards)'),
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
      .describe('Webhook endpoint URL (http or https)'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST').describe('HTTP method'),
    headers: z.record(z.string(), z.string()).optional().describe('HTTP headers'),
    authentication: z
      .object({
        type: z.enum(['none', 'bearer', 'basic', 'api-key']).describe('Authentication type'),
        credentials: z
          .record(z.string(), z.string())
          .optional()
          .describe('Authentication credentials'),
      })
      .optional()
      .describe('Authentication configuration'),
    retryPolicy: EventRetryPolicySchema
      .optional()
      .describe('Retry policy of webhook deliveries'),
    timeoutMs: timerMs()
      .default(30000)
      .describe('Request timeout in milliseconds'),
    transform: fn<EventTransformFn>()
      .optional()
      .describe('Transform (event) => any applied before sending'),
    enabled: z.boolean().default(true).describe('Whether the webhook is enabled'),
  })
  .describe('Event webhook configuration');

/** Parsed {@link EventWebhookConfigSchema}. */
export type EventWebhookConfig = z.infer<typeof EventWebhookConfigSchema>;
/** Input of {@link EventWebhookConfigSchema}. */
export type EventWebhookConfigInput = z.input<typeof EventWebhookConfigSchema>;

/** Publishes events matching a pattern to a message broker topic. */
export const EventMessageQueueConfigSchema = z
  .object({
    provider: MessageQueueProviderSchema.describe('Message queue provider'),
    topic: z.string().describe('Topic or queue name'),
    eventPattern: z.string().default('*').describe('Event name pattern to publish (wildcards)'),
    partitionKey: z
      .string()
      .optional()
      .describe('JSON path used as partition key (e.g. "metadata.tenantId")'),
    format: z.enum(['json', 'avro', 'protobuf']).default('json').describe('Message format'),
    includeMetadata: z.boolean().default(true).describe('Include event metadata in the message'),
    compression: z
      .enum(['none', 'gzip', 'snappy', 'lz4'])
      .default('none')
      .describe('Message compression'),
    batchSize: z.number().int().min(1).default(1).describe('Events per produced batch'),
    flushIntervalMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Batch flush interval in milliseconds'),
  })
  .describe('Event message queue (broker bridge) configuration');

/** Parsed {@link EventMessageQueueConfigSchema}. */
export type EventMessageQueueConfig = z.infer<typeof EventMessageQueueConfigSchema>;
/** Input of {@link EventMessageQueueConfigSchema}. */
export type EventMessageQueueConfigInput = z.input<typeof EventMessageQueueConfigSchema>;

/** Pushes events to connected clients (websocket, SSE, long polling). */
export const RealTimeNotificationConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Enable real-time notifications'),
    protocol: z
      .enum(['websocket', 'sse', 'long-polling'])
      .default('websocket')
      .describe('Transport protocol'),
    eventPattern: z.string().default('*').describe('Event name pattern to push (wildcards)'),
    userFilter: z.boolean().default(true).describe('Only push events of the connected user'),
    tenantFilter: z.boolean().default(true).describe('Only push events of the connected tenant'),
    channels: z
      .array(
        z.object({
          name: z.string().describe('Channel name'),
          eventPattern: z.string().describe('Event name pattern of the channel'),
          filter: fn<EventFilterFn>().optional().describe('Optional predicate (event) => boolean'),
        }),
      )
      .optional()
      .describe('Named channels'),
    rateLimit: z
      .object({
        maxEventsPerSecond: z
          .number()
          .int()
          .positive()
          .describe('Maximum events per second per client'),
        windowMs: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('Rate limit window in milliseconds'),
      })
      .optional()
      .describe('Per-client rate limit'),
  })
  .describe('Real-time notification configuration');

/** Parsed {@link RealTimeNotificationConfigSchema}. */
export type RealTimeNotificationConfig = z.infer<typeof RealTimeNotificationConfigSchema>;
/** Input of {@link RealTimeNotificationConfigSchema}. */
export type RealTimeNotificationConfigInput = z.input<typeof RealTimeNotificationConfigSchema>;
