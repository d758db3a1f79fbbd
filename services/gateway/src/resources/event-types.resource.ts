import { z } from 'zod';
import { PageQuery, pageOf, type PageInput } from './page.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { GatewayEventType } from './type-definitions.js';

const EventTypeBody = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  /** JSON Schema (draft 2020-12) of the payload, as POST /data/events validates it. */
  payloadSchema: z.record(z.string(), z.unknown()),
});

/**
 * `event-types` (read-only): the event types this gateway publishes, from the same TypeRegistry
 * the /meta routes and POST /data/events use, each with its payload's JSON Schema. Types are
 * not tenant data: every credential with events:read sees them all, as /meta shows them to any
 * credential.
 */
export function eventTypesResource(eventTypes: readonly GatewayEventType[]): ResourceDefinition {
  const all = eventTypes
    .map((t) => ({ name: t.name, version: t.version ?? '1.0.0', description: t.description ?? null, payloadSchema: z.toJSONSchema(t.payload, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown> }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(all.map((t) => [t.name, t]));
  return {
    name: 'event-types',
    description: 'The registered event types with the JSON Schema of their payload (read-only).',
    invalidCode: 'SY_INVALID_ARGUMENT',
    scopes: { write: 'admin', read: 'events:read' },
    list: {
      query: z.strictObject(PageQuery),
      item: EventTypeBody,
      summary: 'Registered event types, by name',
      handle: async (query) => pageOf(all, (query as PageInput).limit, (query as PageInput).cursor),
    },
    read: {
      query: z.strictObject({}),
      response: EventTypeBody,
      summary: 'One event type and its payload schema',
      handle: async (name) => byName.get(name),
    },
  };
}
