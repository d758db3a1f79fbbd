import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventPublisher, PublishEvent } from '@switchyard/events';
import { EventPriority } from '@switchyard/protocol';
import { TenantSchema, tenantForWrite, type Credential } from '../auth/credential.js';
import { idempotentId } from '../http/idempotency.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { GatewayEventType } from './type-definitions.js';

const EventMetadataBody = z
  .strictObject({
    correlationId: z.string().min(1).max(256).optional(),
    causationId: z.string().min(1).max(256).optional(),
    userId: z.string().min(1).max(256).optional(),
    priority: EventPriority.optional(),
    tenantId: TenantSchema.optional().describe("Default and only allowed value: the credential's tenant (an admin may name any)"),
  })
  .optional();

const EventReceipt = z.object({ id: z.string(), name: z.string(), topic: z.string() });

export interface EventsResourceDeps {
  readonly publisher: EventPublisher;
  readonly eventTypes: readonly GatewayEventType[];
  readonly source: string;
}

type EventBody = { name: string; payload: unknown; metadata?: z.output<typeof EventMetadataBody> };

function eventBody(eventTypes: readonly GatewayEventType[]): z.ZodType {
  const options = eventTypes.map((t) => z.strictObject({ name: z.literal(t.name).describe(t.description ?? `Event type ${t.name}`), payload: t.payload, metadata: EventMetadataBody }).meta({ title: `${t.name} event` }));
  return options.length === 1 ? options[0]! : z.discriminatedUnion('name', options as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

/** `events`: create = publish one event (typed payload), batch = many in one transaction. */
export function eventsResource(deps: EventsResourceDeps): ResourceDefinition {
  const toPublish = (b: EventBody, credential: Credential, id: string, field: string): PublishEvent => {
    const tenantId = tenantForWrite(credential, b.metadata?.tenantId, field);
    return { id, name: b.name, payload: b.payload, metadata: { ...b.metadata, source: deps.source, timestamp: new Date().toISOString(), ...(tenantId ? { tenantId } : {}) } };
  };
  const body = eventBody(deps.eventTypes);
  return {
    name: 'events',
    description: `Events on the bus. Registered types: ${deps.eventTypes.map((t) => t.name).join(', ')}.`,
    invalidCode: 'SY_INVALID_EVENT',
    scopes: { write: 'events:write', read: 'events:read' },
    create: {
      body,
      response: EventReceipt,
      summary: 'Publish an event',
      async handle(input, { credential, idempotencyKey }) {
        const id = idempotencyKey ? idempotentId(credential.id, 'events', idempotencyKey) : randomUUID();
        const receipt = await deps.publisher.publish(toPublish(input as EventBody, credential, id, 'metadata.tenantId'));
        return { id: receipt.id, name: receipt.name, topic: receipt.topic };
      },
    },
    batch: {
      item: body,
      response: z.array(EventReceipt),
      summary: 'Publish up to maxBatchSize events in one Kafka transaction (all or none)',
      async handle(items, { credential, idempotencyKey }) {
        const events = (items as EventBody[]).map((b, i) => toPublish(b, credential, idempotencyKey ? idempotentId(credential.id, 'events/batch', idempotencyKey, i) : randomUUID(), `items[${i}].metadata.tenantId`));
        return (await deps.publisher.publishMany(events)).map((r) => ({ id: r.id, name: r.name, topic: r.topic }));
      },
    },
  };
}
