import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as protocol from './index.js';
import { jsonSchemaFor, toJsonSchemas } from './json-schema.js';
import { PROTOCOL_SCHEMAS } from './schema-registry.js';
import type { ProtocolSchemaName } from './schema-registry.js';

describe('toJsonSchemas', () => {
  const schemas = toJsonSchemas();

  it('produces a draft 2020-12 object for every registered schema', () => {
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(PROTOCOL_SCHEMAS).sort());
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema, name).toBeTypeOf('object');
      expect(schema['$schema'], name).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('registers every zod schema exported by the public door', () => {
    const registered = new Set<unknown>(Object.values(PROTOCOL_SCHEMAS));
    const missing = Object.entries(protocol)
      .filter(([, value]) => value instanceof z.ZodType && !registered.has(value))
      .map(([name]) => name);
    expect(missing).toEqual([]);
    expect(Object.keys(PROTOCOL_SCHEMAS)).toHaveLength(54);
  });

  it('lists the five task priorities as an enum on TaskSchema', () => {
    const task = schemas.TaskSchema as {
      properties: Record<string, { enum?: string[]; default?: unknown }>;
      required: string[];
    };
    expect(task.properties['priority']?.enum).toEqual(['critical', 'high', 'normal', 'low', 'background']);
    expect(task.properties['priority']?.default).toBe('normal');
    expect(task.required).toEqual(['id', 'type', 'payload']);
  });

  it('renders function fields as {} plus their description and keeps descriptions', () => {
    const batch = schemas.BatchTaskSchema as { properties: Record<string, Record<string, unknown>> };
    const { description, ...rest } = batch.properties['onProgress'] ?? {};
    expect(rest).toEqual({});
    expect(description).toMatch(/called after each batch/);
    const queue = schemas.QueueConfigSchema as { description: string; properties: Record<string, { pattern?: string }> };
    expect(queue.description).toBe('Task queue configuration');
    expect(queue.properties['name']?.pattern).toBe('^[a-z][a-z0-9_-]{0,99}$');
  });

  it('keeps EventPersistence.retention required', () => {
    expect((schemas.EventPersistenceSchema as { required: string[] }).required).toEqual(['retention']);
  });

  it('renders the schedule as a oneOf/anyOf of three variants', () => {
    const schedule = schemas.ScheduleSchema as { oneOf?: unknown[]; anyOf?: unknown[] };
    expect((schedule.oneOf ?? schedule.anyOf)?.length).toBe(3);
  });
});

describe('jsonSchemaFor', () => {
  it('returns one schema by name', () => {
    expect(jsonSchemaFor('TaskPriority')['enum']).toEqual(['critical', 'high', 'normal', 'low', 'background']);
  });

  it('throws SY_INVALID_CONFIG for an unknown name', () => {
    expect(() => jsonSchemaFor('NopeSchema' as ProtocolSchemaName)).toThrow(
      expect.objectContaining({ code: 'SY_INVALID_CONFIG' }),
    );
  });
});
