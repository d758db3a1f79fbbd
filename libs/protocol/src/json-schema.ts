import { z } from 'zod';
import { SwitchyardError } from './errors/switchyard.error.js';
import { PROTOCOL_SCHEMAS } from './schema-registry.js';
import type { ProtocolSchemaName } from './schema-registry.js';

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (draft 2020-12) of one protocol schema, describing what may be *written*
 * (`io: 'input'`: fields with defaults are optional). Function-typed fields become `{}`.
 * @throws SwitchyardError `SY_INVALID_CONFIG` for an unknown name.
 */
export function jsonSchemaFor(name: ProtocolSchemaName): JsonSchema {
  if (!Object.hasOwn(PROTOCOL_SCHEMAS, name)) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Unknown protocol schema "${String(name)}"`, {
      hint: `Use one of: ${Object.keys(PROTOCOL_SCHEMAS).join(', ')}.`,
      details: { name },
    });
  }
  const schema: z.ZodType = PROTOCOL_SCHEMAS[name];
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io: 'input',
  }) as JsonSchema;
}

/** JSON Schemas (draft 2020-12) of every exported protocol schema, by export name. */
export function toJsonSchemas(): Record<ProtocolSchemaName, JsonSchema> {
  const out = {} as Record<ProtocolSchemaName, JsonSchema>;
  for (const name of Object.keys(PROTOCOL_SCHEMAS) as ProtocolSchemaName[]) {
    out[name] = jsonSchemaFor(name);
  }
  return out;
}
