import { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';
import { CONFLUENT_JSON_CONTENT_TYPE, JSON_CONTENT_TYPE, type EventAttributes } from '@switchyard/kafka';
import type { EventTypeCatalog } from './event-type-catalog.js';

/** What the codec needs of a schema registry (SchemaRegistryCodec implements it). */
export interface RegistryPort {
  register(eventName: string, jsonSchema: object): Promise<number>;
  encode(schemaId: number, payload: unknown): Promise<Buffer>;
  decode(buffer: Buffer): Promise<{ readonly schemaId: number; readonly payload: unknown }>;
  schemaUri(schemaId: number): string;
}

export interface EncodedPayload {
  readonly data: Buffer;
  readonly contentType: string;
  readonly dataschema?: string;
}

/**
 * Turns payloads into record values and back. Types with a JSON Schema in the catalog are
 * registered in the schema registry (when one is configured) on first use and written in the
 * Confluent wire format; everything else is UTF-8 JSON. Payloads of catalogued types are
 * validated both ways.
 */
export class EventCodec {
  readonly #catalog: EventTypeCatalog;
  readonly #registry: RegistryPort | undefined;
  readonly #registering = new Map<string, Promise<number>>();

  constructor(catalog: EventTypeCatalog, registry?: RegistryPort) {
    this.#catalog = catalog;
    this.#registry = registry;
  }

  get catalog(): EventTypeCatalog {
    return this.#catalog;
  }

  /** Registers every catalogued schema now (so an incompatible change fails at start, not at the first publish). */
  async registerAll(): Promise<void> {
    await Promise.all(this.#catalog.entries().map((entry) => this.#schemaIdOf(entry.definition.name)));
  }

  /** Validates and encodes. Throws SY_INVALID_PAYLOAD naming the field, SY_SCHEMA_INCOMPATIBLE, SY_SCHEMA_REGISTRY_UNAVAILABLE. */
  async encode(name: string, payload: unknown): Promise<EncodedPayload> {
    const entry = this.#catalog.check(name, payload);
    if (this.#registry && entry?.jsonSchema) {
      let schemaId = await this.#schemaIdOf(name);
      let data: Buffer;
      try {
        data = await this.#registry.encode(schemaId, payload);
      } catch (error) {
        // The registry forgot the id (e.g. an in-memory registry restarted): register again, once.
        if (!isSwitchyardError(error) || (error.details as { unknownSchemaId?: number } | undefined)?.unknownSchemaId === undefined) throw error;
        delete entry.schemaId;
        this.#registering.delete(name);
        schemaId = await this.#schemaIdOf(name);
        data = await this.#registry.encode(schemaId, payload);
      }
      return { data, contentType: CONFLUENT_JSON_CONTENT_TYPE, dataschema: this.#registry.schemaUri(schemaId) };
    }
    const text = JSON.stringify(payload ?? null);
    return { data: Buffer.from(text, 'utf8'), contentType: JSON_CONTENT_TYPE };
  }

  /** Decodes a record value. Throws SY_UNDECODABLE_MESSAGE or SY_INVALID_PAYLOAD, or SY_SCHEMA_REGISTRY_UNAVAILABLE when the registry cannot be asked (never anything untyped). */
  async decode(attributes: EventAttributes, data: Buffer | null): Promise<unknown> {
    if (data === null || data.length === 0) return this.#validated(attributes.name, null);
    if (data[0] === 0) {
      if (!this.#registry) {
        throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Event ${attributes.id} (${attributes.name}) is in the schema-registry wire format, but no registry is configured.`, {
          hint: 'Give the bus a schema registry (SCHEMA_REGISTRY_URL) to read registry-encoded events.',
        });
      }
      const { payload } = await this.#registry.decode(data);
      return this.#validated(attributes.name, payload);
    }
    if (!attributes.contentType.startsWith(JSON_CONTENT_TYPE) && !attributes.contentType.includes('+json')) {
      throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Event ${attributes.id} (${attributes.name}) has content type ${attributes.contentType}; the bus reads JSON.`, {
        hint: 'Publish JSON payloads (content-type application/json).',
      });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(data.toString('utf8'));
    } catch {
      throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Event ${attributes.id} (${attributes.name}): the value is not valid UTF-8 JSON.`, {
        hint: 'Publish the payload as JSON, as content-type says.',
      });
    }
    return this.#validated(attributes.name, payload);
  }

  #validated(name: string, payload: unknown): unknown {
    this.#catalog.check(name, payload);
    return payload;
  }

  #schemaIdOf(name: string): Promise<number> {
    const entry = this.#catalog.get(name);
    if (!entry?.jsonSchema || !this.#registry) return Promise.resolve(-1);
    if (entry.schemaId !== undefined) return Promise.resolve(entry.schemaId);
    let pending = this.#registering.get(name);
    if (!pending) {
      pending = this.#registry.register(name, entry.jsonSchema).then((id) => {
        entry.schemaId = id;
        return id;
      });
      pending.catch(() => this.#registering.delete(name));
      this.#registering.set(name, pending);
    }
    return pending;
  }
}
