/**
 * The event bus's schema-registry codec: registers each event type's JSON Schema with a
 * Confluent-compatible registry (locally Apicurio's `/apis/ccompat/v7`, see deploy/schema-registry)
 * and writes/reads payloads in the Confluent wire format, validated against the schema they name.
 *
 * Why not `@kafkajs/confluent-schema-registry` (installed; tried against Apicurio 2.4.2):
 *  - its JSON support compiles with its own ajv 7, which knows neither draft 2019-09/2020-12 nor
 *    `format: "date-time"`; its `ajvInstance` hook takes ajv 8 but reports only the failing
 *    `instancePath`, so a missing required field loses its name, which our errors must give;
 *  - its `register()` sets the subject's level only after the first version and throws when the
 *    subject's level differs; Apicurio reports the global default (NONE) for subjects without one;
 *  - mappersmith reports a refused connection as HTTP 400: "registry down" vs "bad request" would
 *    hinge on message text.
 * What is left is four Confluent endpoints and a 5-byte header, done here with `fetch`; ajv 8
 * (+ ajv-formats) validates, with one compiled validator cached per schema id.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { z } from 'zod';
import { EventNameSchema, SwitchyardError, parseOrThrow } from '@switchyard/protocol';

const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;

/** A Confluent compatibility level. */
export type SchemaCompatibility = (typeof COMPATIBILITY_LEVELS)[number];

/** Options of {@link SchemaRegistryCodec}. */
export interface SchemaRegistryCodecOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7` (Apicurio). */
  readonly url: string;
  /** Compatibility set on each subject before its first version is registered; default `'BACKWARD'`. */
  readonly compatibility?: SchemaCompatibility;
}

const OptionsSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) base URL of a Confluent-compatible API, e.g. http://127.0.0.1:8081/apis/ccompat/v7' })
      .transform((url) => url.replace(/\/+$/, '')),
    compatibility: z.enum(COMPATIBILITY_LEVELS).default('BACKWARD'),
  })
  .strict();

const MAGIC_BYTE = 0;
/** Magic byte + 4-byte big-endian schema id. */
const HEADER_BYTES = 5;
const CONFLUENT_JSON = 'application/vnd.schemaregistry.v1+json';
const REQUEST_TIMEOUT_MS = 10_000;
/** Confluent error codes of `GET /config/<subject>` meaning "no level of its own yet": subject not found, no subject-level config. */
const SUBJECT_WITHOUT_LEVEL = new Set<unknown>([40401, 40408]);
/**
 * `$schema` values `register` accepts: none or draft-07. Apicurio 2.4's compatibility checker
 * (everit) answers 500 "could not determine version" as soon as it compares 2019-09/2020-12 schemas.
 */
const REGISTRABLE_DRAFT = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What the registry holds under a schema id, for encode/decode to turn into their own errors. */
type SchemaLookup =
  | { readonly kind: 'found'; readonly validate: ValidateFunction }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unusable'; readonly reason: string };

/**
 * Registers event types' JSON Schemas and encodes/decodes payloads in the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, UTF-8 JSON), validating every payload both ways.
 */
export class SchemaRegistryCodec {
  readonly #url: string;
  readonly #compatibility: SchemaCompatibility;
  /** One lookup per schema id (concurrent callers share it); failed lookups are forgotten. */
  readonly #schemas = new Map<number, Promise<SchemaLookup>>();

  constructor(options: SchemaRegistryCodecOptions) {
    const parsed = parseOrThrow(OptionsSchema, options, {
      code: 'SY_INVALID_CONFIG',
      what: 'SchemaRegistryCodecOptions',
      hint: 'Pass the registry\'s Confluent-compatible base URL (SCHEMA_REGISTRY_URL), e.g. http://127.0.0.1:8081/apis/ccompat/v7 for `npm run schema-registry:up`.',
    });
    this.#url = parsed.url;
    this.#compatibility = parsed.compatibility;
  }

  /**
   * Subject of an event type: `<eventName>-value`. One subject per event type, like Confluent's
   * RecordNameStrategy, because one topic (`events.<domain>`) carries many event types: with the
   * default TopicNameStrategy (`<topic>-value`) every type of a domain would share one version
   * history, and adding a type would count as an incompatible change of the others.
   */
  static subjectOf(eventName: string): string {
    const name = parseOrThrow(EventNameSchema, eventName, {
      code: 'SY_INVALID_CONFIG',
      what: 'event name',
      hint: 'Event names are lowercase and dot-separated, e.g. order.placed.',
    });
    return `${name}-value`;
  }

  /**
   * Registers the JSON Schema (none or draft-07 `$schema`) of event type `eventName` under
   * {@link SchemaRegistryCodec.subjectOf}, first setting the subject's compatibility when it has
   * none yet; returns the schema id. The same schema again returns the same id.
   * @throws SwitchyardError `SY_SCHEMA_INCOMPATIBLE` when the registry refuses the change,
   *   `SY_SCHEMA_REGISTRY_UNAVAILABLE` when it cannot be reached or fails, `SY_INVALID_CONFIG`
   *   for a bad event name or schema.
   */
  async register(eventName: string, jsonSchema: object): Promise<number> {
    const subject = SchemaRegistryCodec.subjectOf(eventName);
    const { text, validate } = prepareSchema(eventName, jsonSchema);
    const compatibility = await this.#ensureCompatibility(subject);
    const answer = await this.#call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schemaType: 'JSON', schema: text });
    if (answer.status === 409) throw incompatible(eventName, subject, compatibility, answer.body);
    const id = answer.status === 200 ? answerField(answer.body, 'id') : undefined;
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) throw this.#unexpected(answer, `registering a schema under subject "${subject}"`);
    this.#schemas.set(id, Promise.resolve({ kind: 'found', validate }));
    return id;
  }

  /**
   * Validates `payload` (as it reads after a JSON round trip, so a `Date` counts as its ISO string)
   * against schema `schemaId` and returns it in the Confluent wire format.
   * @throws SwitchyardError `SY_INVALID_PAYLOAD` naming the JSON path of the first bad field.
   */
  async encode(schemaId: number, payload: unknown): Promise<Buffer> {
    requireSchemaId(schemaId);
    const lookup = await this.#lookup(schemaId);
    if (lookup.kind === 'unknown') {
      throw this.#unavailable(`has no schema with id ${schemaId}`, {
        retriable: false,
        hint: 'Encode with an id that register() returned from this registry; the local in-memory registry forgets all ids when it restarts, so register the event types again.',
      });
    }
    if (lookup.kind === 'unusable') {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Schema ${schemaId} cannot validate payloads: ${lookup.reason}`, {
        hint: `Encode with the id of a JSON Schema that register() accepted (schema: ${this.schemaUri(schemaId)}).`,
        details: { schemaId },
      });
    }
    const json = toJson(payload, schemaId);
    this.#check(lookup.validate, JSON.parse(json), schemaId, 'encode');
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(MAGIC_BYTE, 0);
    header.writeInt32BE(schemaId, 1);
    return Buffer.concat([header, Buffer.from(json, 'utf8')]);
  }

  /**
   * Reads a record value in the Confluent wire format: fetches schema `id` (once, then cached),
   * parses the JSON and validates it.
   * @throws SwitchyardError `SY_UNDECODABLE_MESSAGE` when the bytes are not the wire format, name an
   *   unknown schema or hold no JSON; `SY_INVALID_PAYLOAD` naming the first bad field.
   */
  async decode(buffer: Buffer): Promise<{ readonly schemaId: number; readonly payload: unknown }> {
    if (!SchemaRegistryCodec.isWireFormat(buffer)) {
      const head = buffer ? buffer.subarray(0, 8).toString('hex') : 'null';
      throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Message is not in the Confluent wire format (magic byte 0, 4-byte schema id, JSON); got ${buffer?.length ?? 0} bytes starting 0x${head}`, {
        hint: 'Only records written by SchemaRegistryCodec.encode (or a Confluent JSON Schema serializer) can be decoded here; route this one to the dead-letter topic or read it with its producer\'s format.',
      });
    }
    const schemaId = buffer.readInt32BE(1);
    const lookup = await this.#lookup(schemaId);
    if (lookup.kind !== 'found') {
      const why = lookup.kind === 'unknown' ? `which the schema registry at ${this.#url} does not know` : `which cannot validate payloads: ${lookup.reason}`;
      throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Message names schema id ${schemaId}, ${why}`, {
        hint: 'It was written against another registry (or before the in-memory local registry restarted): decode it with that registry\'s URL, or dead-letter it.',
        details: { schemaId },
      });
    }
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(buffer.subarray(HEADER_BYTES)));
    } catch (error) {
      throw new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Message with schema id ${schemaId} does not hold UTF-8 JSON after its 5-byte header`, {
        hint: 'The producer wrote a non-JSON body behind the wire-format header; dead-letter the record and fix the producer.',
        details: { schemaId },
        cause: error,
      });
    }
    this.#check(lookup.validate, payload, schemaId, 'decode');
    return { schemaId, payload };
  }

  /** True when `buffer` starts with magic byte 0 and a schema id, followed by at least one byte. */
  static isWireFormat(buffer: Buffer | null): boolean {
    return buffer !== null && buffer.length > HEADER_BYTES && buffer[0] === MAGIC_BYTE;
  }

  /** URI for the CloudEvents `dataschema` attribute: `<url>/schemas/ids/<id>`. */
  schemaUri(schemaId: number): string {
    return `${this.#url}/schemas/ids/${schemaId}`;
  }

  /** The subject's compatibility in effect; sets ours first when the subject has none yet. */
  async #ensureCompatibility(subject: string): Promise<string> {
    const path = `/config/${encodeURIComponent(subject)}`;
    const current = await this.#call('GET', path);
    const level = current.status === 200 ? answerField(current.body, 'compatibilityLevel') : undefined;
    if (typeof level === 'string') return level;
    if (current.status !== 404 || !SUBJECT_WITHOUT_LEVEL.has(answerField(current.body, 'error_code'))) {
      throw this.#unexpected(current, `reading the compatibility of subject "${subject}"`);
    }
    const set = await this.#call('PUT', path, { compatibility: this.#compatibility });
    // Apicurio stores NONE as "no rule" and answers 404 (40401) when there is no rule to remove yet.
    const noneWithoutRule = this.#compatibility === 'NONE' && set.status === 404 && answerField(set.body, 'error_code') === 40401;
    if (set.status !== 200 && !noneWithoutRule) throw this.#unexpected(set, `setting compatibility ${this.#compatibility} on subject "${subject}"`);
    return this.#compatibility;
  }

  #lookup(schemaId: number): Promise<SchemaLookup> {
    let pending = this.#schemas.get(schemaId);
    if (!pending) {
      pending = this.#fetchSchema(schemaId);
      this.#schemas.set(schemaId, pending);
      const forget = () => void this.#schemas.delete(schemaId);
      pending.then((lookup) => {
        if (lookup.kind !== 'found') forget();
      }, forget);
    }
    return pending;
  }

  async #fetchSchema(schemaId: number): Promise<SchemaLookup> {
    const answer = await this.#call('GET', `/schemas/ids/${schemaId}`);
    if (answer.status === 404) return { kind: 'unknown' };
    const found = answer.body as { schema?: unknown; schemaType?: unknown } | null;
    if (answer.status !== 200 || typeof found?.schema !== 'string') throw this.#unexpected(answer, `fetching schema ${schemaId}`);
    const type = found.schemaType ?? 'AVRO'; // the Confluent API omits schemaType for Avro
    if (type !== 'JSON') return { kind: 'unusable', reason: `it is a ${String(type)} schema, and this codec reads JSON Schema only` };
    try {
      return { kind: 'found', validate: compileSchema(JSON.parse(found.schema) as object, false) };
    } catch (error) {
      return { kind: 'unusable', reason: `ajv cannot compile it (${(error as Error).message})` };
    }
  }

  #check(validate: ValidateFunction, value: unknown, schemaId: number, direction: 'encode' | 'decode'): void {
    if (validate(value)) return;
    const error = validate.errors?.[0];
    const field = error ? fieldPath(error) : '$';
    const problem = error ? describeProblem(error) : 'does not match the schema';
    const schema = this.schemaUri(schemaId);
    throw new SwitchyardError('SY_INVALID_PAYLOAD', `${direction === 'encode' ? 'Payload' : 'Decoded payload'} does not match schema ${schemaId}: ${field} ${problem}`, {
      hint:
        direction === 'encode'
          ? `Fix ${field} in the payload, or register a schema version that allows it (schema: ${schema}).`
          : `The producer wrote a payload its own schema refuses at ${field}: fix the producer (schema: ${schema}); dead-letter this record.`,
      details: { schemaId, field, keyword: error?.keyword, params: error?.params },
    });
  }

  async #call(method: 'GET' | 'POST' | 'PUT', path: string, body?: object): Promise<RegistryAnswer> {
    try {
      const response = await fetch(`${this.#url}${path}`, {
        method,
        headers: body === undefined ? { accept: CONFLUENT_JSON } : { accept: CONFLUENT_JSON, 'content-type': CONFLUENT_JSON },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return { status: response.status, body: parseJsonOrText(text) };
    } catch (error) {
      const reason = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw this.#unavailable(`is unreachable (${method} ${path}: ${reason})`, { cause: error });
    }
  }

  /** A non-2xx answer nobody expected: 5xx, 408 and 429 are worth retrying, other 4xx are not. */
  #unexpected(answer: RegistryAnswer, action: string): SwitchyardError {
    const retriable = answer.status >= 500 || answer.status === 408 || answer.status === 429;
    return this.#unavailable(`answered ${answer.status} when ${action}: ${registryMessage(answer.body)}`, { retriable, status: answer.status });
  }

  #unavailable(what: string, extra: { retriable?: boolean; status?: number; hint?: string; cause?: unknown }): SwitchyardError {
    return new SwitchyardError('SY_SCHEMA_REGISTRY_UNAVAILABLE', `Schema registry at ${this.#url} ${what}`, {
      hint:
        extra.hint ??
        `Check that a Confluent-compatible schema registry answers at ${this.#url} (SCHEMA_REGISTRY_URL); locally, \`npm run schema-registry:up\` serves one at http://127.0.0.1:8081/apis/ccompat/v7.`,
      details: extra.status === undefined ? { url: this.#url } : { url: this.#url, status: extra.status },
      retriable: extra.retriable,
      cause: extra.cause,
    });
  }
}

/** Checks and compiles an event type's schema before it goes to the registry; returns its canonical text. */
function prepareSchema(eventName: string, jsonSchema: object): { text: string; validate: ValidateFunction } {
  const invalid = (problem: string, hint: string, cause?: unknown) =>
    new SwitchyardError('SY_INVALID_CONFIG', `JSON Schema of event type "${eventName}" ${problem}`, { hint, details: { eventName }, cause });
  if (typeof jsonSchema !== 'object' || jsonSchema === null || Array.isArray(jsonSchema)) {
    throw invalid('must be a JSON Schema object', 'Pass an object schema, e.g. { type: "object", properties: {...}, required: [...], additionalProperties: false }.');
  }
  const draft = (jsonSchema as { $schema?: unknown }).$schema;
  if (draft !== undefined && (typeof draft !== 'string' || !REGISTRABLE_DRAFT.test(draft))) {
    throw invalid(
      `declares $schema ${JSON.stringify(draft)}, which the registry's compatibility checker does not support (Apicurio 2.4 fails with "could not determine version")`,
      "Use draft-07: drop $schema or set it to http://json-schema.org/draft-07/schema# (with zod: z.toJSONSchema(schema, { target: 'draft-7' })).",
    );
  }
  try {
    return { text: canonicalJson(jsonSchema), validate: compileSchema(jsonSchema, true) };
  } catch (error) {
    throw invalid(`does not compile: ${(error as Error).message}`, 'Fix the schema (a typo in a keyword counts as an error here); it must be valid draft-07 JSON Schema.', error);
  }
}

/**
 * A fresh ajv per schema: versions of one event type usually share an `$id`, which one ajv instance
 * accepts only once. `strictSchema` catches keyword typos when registering; schemas fetched from the
 * registry (maybe written by others) compile leniently. The class follows `$schema`.
 */
function compileSchema(schema: object, strictSchema: boolean): ValidateFunction {
  const draft = String((schema as { $schema?: unknown }).$schema ?? '');
  const options = { strict: false, strictSchema, allErrors: false };
  const ajv = draft.includes('2020-12') ? new Ajv2020(options) : draft.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}

/** The offending field as a JSON path (`$.items[0].sku`), including the missing/extra property itself. */
function fieldPath(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  if (extra !== undefined) segments.push(extra);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    return /^[A-Za-z_$][\w$]*$/.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`;
  }, '$');
}

function describeProblem(error: ErrorObject): string {
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') return 'is required but missing';
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') return 'is not allowed by the schema';
  return error.message ?? `fails "${error.keyword}"`;
}

function toJson(payload: unknown, schemaId: number): string {
  let json: string | undefined;
  let cause: unknown;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    cause = error;
  }
  if (json !== undefined) return json;
  throw new SwitchyardError('SY_INVALID_PAYLOAD', `Payload for schema ${schemaId} has no JSON form (${cause instanceof Error ? cause.message : typeof payload})`, {
    hint: 'Pass JSON values only: objects, arrays, strings, numbers, booleans, null (no BigInt, functions, undefined or circular references).',
    details: { schemaId },
    cause,
  });
}

/** JSON with object keys sorted, so the same schema written in another key order registers as the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function requireSchemaId(schemaId: number): void {
  if (!Number.isInteger(schemaId) || schemaId <= 0 || schemaId > 0x7fff_ffff) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `Schema id ${String(schemaId)} is not a schema id (a positive 32-bit integer)`, {
      hint: 'Pass the id that register() returned.',
      details: { schemaId },
    });
  }
}

function incompatible(eventName: string, subject: string, compatibility: string, body: unknown): SwitchyardError {
  const how = compatibility.startsWith('BACKWARD')
    ? 'readers of the new schema must accept every registered record: add new fields as optional and keep additionalProperties: false (on an open object a new property narrows what old records may hold); do not add required fields or narrow types'
    : `change what the registry's reason names until the schema is ${compatibility}-compatible with the registered versions`;
  return new SwitchyardError(
    'SY_SCHEMA_INCOMPATIBLE',
    `Schema registry refused the new JSON Schema of event type "${eventName}" as incompatible with subject "${subject}" (compatibility ${compatibility}): ${registryMessage(body)}`,
    {
      hint: `Make the change compatible (${how}), or publish it under a new event name (e.g. ${eventName}_v2).`,
      details: { eventName, subject, compatibility },
    },
  );
}

/** A field of a registry answer's JSON body (`id`, `message`, `error_code`, ...). */
function answerField(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function registryMessage(body: unknown): string {
  const message = answerField(body, 'message');
  if (typeof message === 'string') return message;
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : '(no message)';
}

function parseJsonOrText(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}
