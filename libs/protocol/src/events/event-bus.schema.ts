import { z } from 'zod';
import { EventTypeDefinitionSchema } from './event.schema.js';
import { EventHandlerSchema } from './event-handler.schema.js';
import {
  EventMessageQueueConfigSchema,
  EventWebhookConfigSchema,
  RealTimeNotificationConfigSchema,
} from './event-integrations.schema.js';
import {
  EventPersistenceSchema,
  EventQueueConfigSchema,
  EventSourcingConfigSchema,
} from './event-storage.schema.js';

/** Complete event bus configuration; every part is optional. */
export const EventBusConfigSchema = z
  .object({
    persistence: EventPersistenceSchema.optional().describe('Event persistence configuration'),
    queue: EventQueueConfigSchema.optional().describe('Event queue configuration'),
    eventSourcing: EventSourcingConfigSchema.optional().describe('Event sourcing configuration'),
    replay: z
      .object({
        enabled: z.boolean().default(true).describe('Enable event replay'),
      })
      .optional()
      .describe('Event replay capability'),
    webhooks: z.array(EventWebhookConfigSchema).optional().describe('Webhook configurations'),
    messageQueue: EventMessageQueueConfigSchema.optional().describe(
      'Message queue (broker bridge) configuration; a single object',
    ),
    realtime: RealTimeNotificationConfigSchema.optional().describe(
      'Real-time notification configuration',
    ),
    eventTypes: z.array(EventTypeDefinitionSchema).optional().describe('Event type definitions'),
    handlers: z.array(EventHandlerSchema).optional().describe('Global event handlers'),
  })
  .describe('Event bus configuration');

/** Parsed {@link EventBusConfigSchema}. */
export type EventBusConfig = z.infer<typeof EventBusConfigSchema>;
/** Input of {@link EventBusConfigSchema}. */
export type EventBusConfigInput = z.input<typeof EventBusConfigSchema>;
