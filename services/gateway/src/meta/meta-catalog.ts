import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ResourceDefinition } from '../resources/resource-definition.js';
import type { GatewayEventType, GatewayTaskType } from '../resources/type-definitions.js';

/** One metadata item: its definition and the JSON Schema of its payload (or body). */
export interface MetaItem {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly schema: Record<string, unknown>;
}

/** The metadata types served under /meta: task types, event types and the REST resources. */
export type MetaCatalog = ReadonlyMap<string, ReadonlyMap<string, MetaItem>>;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
}

export function buildMetaCatalog(taskTypes: readonly GatewayTaskType[], eventTypes: readonly GatewayEventType[], resources: readonly ResourceDefinition[]): MetaCatalog {
  const tasks = new Map(taskTypes.map((t) => [t.type, { name: t.type, definition: { type: t.type, queue: t.queue, description: t.description ?? null }, schema: jsonSchema(t.payload) }]));
  const events = new Map(eventTypes.map((t) => [t.name, { name: t.name, definition: { name: t.name, version: t.version ?? '1.0.0', description: t.description ?? null }, schema: jsonSchema(t.payload) }]));
  const objects = new Map(
    resources.map((r) => [
      r.name,
      { name: r.name, definition: { name: r.name, description: r.description, scopes: r.scopes, operations: (['create', 'read', 'list', 'delete', 'batch'] as const).filter((op) => r[op] !== undefined) }, schema: r.create ? jsonSchema(r.create.body) : {} },
    ]),
  );
  return new Map<string, Map<string, MetaItem>>([
    ['task-types', tasks],
    ['event-types', events],
    ['objects', objects],
  ]);
}

/** A strong ETag of a JSON value: the first 16 bytes of its SHA-256. */
export function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22)}"`;
}
