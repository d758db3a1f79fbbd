import { Ajv2020 } from 'ajv/dist/2020.js';
import AjvDraft7 from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { z } from 'zod';
import { EventTypeDefinitionSchema, parseOrThrow, SwitchyardError, type EventTypeDefinition, type EventTypeDefinitionInput } from '@switchyard/protocol';
import type { Logger } from '@switchyard/kafka';

/** A zod schema as an event type's payload schema (turned into JSON Schema for the registry). */
type ZodLike = z.ZodType;

export type PayloadSchema = Record<string, unknown> | ZodLike;

/** An event type as the catalog keeps it: its definition plus a validator and the JSON Schema. */
export interface CatalogEntry {
  readonly definition: EventTypeDefinition;
  /** JSON Schema of the payload (converted from zod when the definition gave a zod schema). */
  readonly jsonSchema?: Record<string, unknown>;
  /** Schema id in the registry, once registered. */
  schemaId?: number;
  readonly validate: (payload: unknown) => string | undefined;
}

function isZod(schema: unknown): schema is ZodLike {
  return typeof schema === 'object' && schema !== null && typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

const ajvDraft7 = addFormats.default(new AjvDraft7.default({ allErrors: false, strict: false }));
const ajv2020 = addFormats.default(new Ajv2020({ allErrors: false, strict: false }));

function ajvError(errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match the schema';
  const missing = first.keyword === 'required' ? `/${String((first.params as { missingProperty?: string }).missingProperty)}` : '';
  const path = `payload${(first.instancePath + missing).replaceAll('/', '.')}`;
  return first.keyword === 'required' ? `${path} is required` : `${path} ${first.message ?? 'is invalid'}`;
}

function compileJsonSchema(name: string, schema: Record<string, unknown>): ValidateFunction {
  const ajv = String(schema.$schema ?? '').includes('2020-12') ? ajv2020 : ajvDraft7;
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Event type ${name}: schema is not a valid JSON Schema (${(error as Error).message}).`, {
      hint: 'Give EventTypeDefinition.schema as a JSON Schema object (draft-07 or 2020-12) or a zod schema.',
    });
  }
}

/**
 * The event type catalog: each type's definition (name, version, payload schema, deprecation,
 * tags). Payloads of known types are validated on publish and on consume; errors name the field.
 * Types not in the catalog pass unvalidated (an open catalog), so the catalog can grow type by
 * type.
 */
export class EventTypeCatalog {
  readonly #entries = new Map<string, CatalogEntry>();
  readonly #warned = new Set<string>();
  readonly #log: Logger | undefined;

  constructor(log?: Logger) {
    this.#log = log;
  }

  /** Adds (or replaces) a type. Throws SY_INVALID_CONFIG naming the field when the definition is invalid. */
  define(input: EventTypeDefinitionInput & { schema?: PayloadSchema }): CatalogEntry {
    const definition = parseOrThrow(EventTypeDefinitionSchema, input, { code: 'SY_INVALID_CONFIG', what: 'EventTypeDefinition' });
    const schema = input.schema;
    let entry: CatalogEntry;
    if (schema === undefined) {
      entry = { definition, validate: () => undefined };
    } else if (isZod(schema)) {
      entry = {
        definition,
        jsonSchema: z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>,
        validate: (payload) => {
          const result = schema.safeParse(payload);
          if (result.success) return undefined;
          const issue = result.error.issues[0]!;
          return `${['payload', ...issue.path.map(String)].join('.')}: ${issue.message}`;
        },
      };
    } else if (typeof schema === 'object' && schema !== null) {
      const check = compileJsonSchema(definition.name, schema);
      entry = { definition, jsonSchema: schema, validate: (payload) => (check(payload) ? undefined : ajvError(check.errors)) };
    } else {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Event type ${definition.name}: schema must be a JSON Schema object or a zod schema, got ${typeof schema}.`);
    }
    this.#entries.set(definition.name, entry);
    return entry;
  }

  get(name: string): CatalogEntry | undefined {
    return this.#entries.get(name);
  }

  entries(): CatalogEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * Validates a payload against its type. Throws SY_INVALID_PAYLOAD naming the field; logs a
   * warning (once per type) when the type is deprecated.
   */
  check(name: string, payload: unknown): CatalogEntry | undefined {
    const entry = this.#entries.get(name);
    if (!entry) return undefined;
    if (entry.definition.deprecated && !this.#warned.has(name)) {
      this.#warned.add(name);
      this.#log?.warn({ eventType: name, version: entry.definition.version }, `event type ${name} is deprecated`);
    }
    const problem = entry.validate(payload);
    if (problem !== undefined) {
      throw new SwitchyardError('SY_INVALID_PAYLOAD', `Event ${name} (v${entry.definition.version}): ${problem}.`, {
        hint: `Send a payload that matches the ${name} schema in the event type catalog.`,
        details: { eventType: name, version: entry.definition.version },
      });
    }
    return entry;
  }
}
