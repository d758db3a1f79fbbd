import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventLogQuery, EventPublisher, PublishEvent, SubscriptionLogEntry } from '@switchyard/events';
import { SwitchyardError } from '@switchyard/protocol';
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
  /** The event log lookup (libs/events findEventLog on the gateway's client): read and list. */
  readonly findLog?: (query: EventLogQuery) => Promise<SubscriptionLogEntry[]>;
}

const CURSOR = /^[0-9]{1,9}$/;
/** One event-log entry: which subscription handled the event, how, when (EventLogEntry + subscription). */
const LogEntry = z.looseObject({ id: z.string(), subscription: z.string(), status: z.string(), receivedAt: z.string(), event: z.looseObject({ id: z.string().optional(), name: z.string() }) });

/** The tenant a log read is scoped to: the credential's, else (an admin's) the one asked for. */
function logTenant(credential: Credential, asked: string | undefined): string | undefined {
  if (credential.tenant !== undefined && asked !== undefined && asked !== credential.tenant) {
    throw new SwitchyardError('SY_INVALID_ARGUMENT', `query.tenant is "${asked}", but this credential reads only tenant "${credential.tenant}".`, { hint: 'Leave tenant out.', details: { field: 'query.tenant' } });
  }
  return credential.tenant ?? asked;
}

type EventBody = { name: string; payload: unknown; metadata?: z.output<typeof EventMetadataBody> };

function eventBody(eventTypes: readonly GatewayEventType[]): z.ZodType {
  const options = eventTypes.map((t) => z.strictObject({ name: z.literal(t.name).describe(t.description ?? `Event type ${t.name}`), payload: t.payload, metadata: EventMetadataBody }).meta({ title: `${t.name} event` }));
  return options.length === 1 ? options[0]! : z.discriminatedUnion('name', options as unknown as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

/**
 * `events`: create = publish one event (typed payload), batch = many in one transaction; read and
 * list = the event log (which subscriptions handled an event, or a causal chain), tenant-scoped.
 */
// eslint-disable-next-line max-lines-per-function -- a resource definition is one declarative object (schemas, summaries, one short handler per operation), read top to bottom
export function eventsResource(deps: EventsResourceDeps): ResourceDefinition {
  const toPublish = (b: EventBody, credential: Credential, id: string, field: string): PublishEvent => {
    const tenantId = tenantForWrite(credential, b.metadata?.tenantId, field);
    return { id, name: b.name, payload: b.payload, metadata: { ...b.metadata, source: deps.source, timestamp: new Date().toISOString(), ...(tenantId ? { tenantId } : {}) } };
  };
  const body = eventBody(deps.eventTypes);
  const findLog = deps.findLog;
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
    ...(findLog
      ? {
          read: {
            query: z.strictObject({
              subscription: z.string().min(1).max(200).optional().describe('Only the entry of this subscription'),
              tenant: TenantSchema.optional().describe('Tenant (a tenant credential reads only its own)'),
            }),
            response: z.object({ id: z.string(), log: z.array(LogEntry) }),
            summary: "An event's log: one entry per subscription that handled it (status, handlers, times), from the event log topic",
            async handle(id, query, { credential }) {
              const q = query as { subscription?: string; tenant?: string };
              const tenantId = logTenant(credential, q.tenant);
              const log = await findLog({ eventId: id, ...(q.subscription ? { subscription: q.subscription } : {}), ...(tenantId ? { tenantId } : {}) });
              // Another tenant's event answers like an unknown one (404): nothing leaks.
              return log.length === 0 ? undefined : { id, log };
            },
          },
          list: {
            query: z.strictObject({
              correlationId: z.string().min(1).max(256).optional().describe('Every event of this causal chain (metadata.correlationId)'),
              subscription: z.string().min(1).max(200).optional().describe('Only entries of this subscription'),
              tenant: TenantSchema.optional().describe('Tenant (a tenant credential reads only its own)'),
              limit: z.coerce.number().int().min(1).max(200).default(50),
              cursor: z.string().regex(CURSOR, 'expected the nextCursor of a previous page').optional(),
            }),
            item: LogEntry,
            summary: 'Event-log entries of a correlation id and/or a subscription, oldest first (a scan of the log topic per request: operator use)',
            async handle(query, { credential }) {
              const q = query as { correlationId?: string; subscription?: string; tenant?: string; limit: number; cursor?: string };
              if (q.correlationId === undefined && q.subscription === undefined) {
                throw new SwitchyardError('SY_INVALID_ARGUMENT', 'query.correlationId: name a correlation id (or query.subscription); the whole event log is not listed.', { hint: 'GET /data/events/<id> reads one event.', details: { field: 'query.correlationId' } });
              }
              const tenantId = logTenant(credential, q.tenant);
              const log = await findLog({ ...(q.correlationId ? { correlationId: q.correlationId } : {}), ...(q.subscription ? { subscription: q.subscription } : {}), ...(tenantId ? { tenantId } : {}) });
              const start = q.cursor ? Number(q.cursor) : 0;
              const page = log.slice(start, start + q.limit);
              const next = start + page.length < log.length ? String(start + page.length) : null;
              return { items: page, pagination: { limit: q.limit, cursor: q.cursor ?? null, nextCursor: next, total: log.length } };
            },
          },
        }
      : {}),
  };
}
