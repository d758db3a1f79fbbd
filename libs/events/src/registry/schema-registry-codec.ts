/**
 * The event bus's schema-registry codec: registers each event type's JSON Schema with a
 * Confluent-compatible registry (locally Apicurio's `/apis/ccompat/v7`, see deploy/schema-registry)
 * and writes/reads payloads in the Confluent wire format, validated against the schema they name.
 *
 * `@kafkajs/confluent-schema-registry` (3.9, checked against Apicurio 2.4.2) does the registry work:
 *  - `register({ type: JSON, schema }, { subject, compatibility })` registers a version;
 *  - `getSchema(id)` fetches a schema by id once (concurrent misses share one request) and caches it;
 *  - `encode(id, payload)` / `decode(buffer)` write and read the wire format (magic byte 0, 4-byte
 *    big-endian id, UTF-8 JSON) and validate the payload both ways.
 * Its schemas compile with ajv 8 + ajv-formats, plugged in as `jsonOptions.ajvInstance`
 * (json-schema-compiler.ts): its own ajv 7 knows neither draft 2019-09/2020-12 nor `format: "date-time"`.
 * Its error classes come from `dist/errors.js` (typed there, not re-exported by its index).
 *
 * Hand-written, because the library cannot do it right against Apicurio:
 *  - The subject's compatibility level. `register()` compares the subject's level with the one it is
 *    given (BACKWARD when none is) and throws when they differ, and sets a level only after the first
 *    version, so a subject would take its first version under Apicurio's global default (NONE). The
 *    codec reads the level (GET /config/<subject>), sets its own with a PUT before the first version
 *    when the subject has none, and passes the level in effect to `register()`. The library has no
 *    call for either request: registry-client.ts makes them with `fetch`.
 *  - Naming the bad field. The library's validation error keeps only ajv's `instancePath`, so a
 *    missing property loses its name; after a refusal the codec runs the library's (ajv 8) validator
 *    once more and takes ajv's full first error from it (JsonSchemaCompiler.explain).
 *  - Telling "registry down" from "bad request": mappersmith, the library's HTTP client, reports a
 *    refused connection as status 400, and the library's error keeps only that status; registry-client.ts
 *    recovers the socket error through the library's `agent` option, and adds the timeout it lacks.
 *    The registry's own refusals are classified by status (404 unknown id, 409 incompatible).
 *  - Checks the library does not make: a `$schema` Apicurio's compatibility checker copes with, a
 *    strict compile of new schemas (keyword typos), canonical JSON text (key order makes no new
 *    version), payloads validated as they read after a JSON round trip (a `Date` as its ISO string),
 *    the frame check before decoding and a strict UTF-8 check of the body (the library's
 *    `buffer.toString()` would silently replace bad bytes).
 */
import { isUtf8 } from 'node:buffer';
import csr, { type COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { ConfluentSchemaRegistryCompatibilityError, ConfluentSchemaRegistryValidationError } from '@kafkajs/confluent-schema-registry/dist/errors.js';
import { z } from 'zod';
import { EventNameSchema, SwitchyardError, parseOrThrow } from '@switchyard/protocol';
import { JsonSchemaCompiler, compileJsonSchema, describeProblem, fieldPath } from './json-schema-compiler.js';
import { RegistryClient, type LibraryRegistry, type RegistryAnswer, type RegistryFailure, type RegistryOutcome } from './registry-client.js';

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
/** Confluent error codes of `GET /config/<subject>` meaning "no level of its own yet": subject not found, no subject-level config. */
const SUBJECT_WITHOUT_LEVEL = new Set<unknown>([40401, 40408]);
/**
 * `$schema` values `register` accepts: none or draft-07. Apicurio 2.4's compatibility checker
 * (everit) answers 500 "could not determine version" as soon as it compares 2019-09/2020-12 schemas.
 */
const REGISTRABLE_DRAFT = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;

/** A schema as the library loaded it (compiled with our ajv 8 when it is a JSON Schema). */
type LibrarySchema = Awaited<ReturnType<LibraryRegistry['getSchema']>>;

/** What the registry holds under a schema id, for encode/decode to turn into their own errors. */
type SchemaLookup =
  | { readonly kind: 'found'; readonly schema: LibrarySchema }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'unusable'; readonly reason: string };

/**
 * Registers event types' JSON Schemas and encodes/decodes payloads in the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, UTF-8 JSON), validating every payload both ways.
 */
export class SchemaRegistryCodec {
  readonly #url: string;
  readonly #compatibility: SchemaCompatibility;
  readonly #compiler = new JsonSchemaCompiler();
  readonly #client: RegistryClient;
  /**
   * One lookup per schema id (concurrent callers share it, so the library sees one request per id
   * and its socket errors reach the caller that asked); failed lookups are forgotten.
   */
  readonly #schemas = new Map<number, Promise<SchemaLookup>>();

  constructor(options: SchemaRegistryCodecOptions) {
    const parsed = parseOrThrow(OptionsSchema, options, {
      code: 'SY_INVALID_CONFIG',
      what: 'SchemaRegistryCodecOptions',
      hint: 'Pass the registry\'s Confluent-compatible base URL (SCHEMA_REGISTRY_URL), e.g. http://127.0.0.1:8081/apis/ccompat/v7 for `npm run schema-registry:up`.',
    });
    this.#url = parsed.url;
    this.#compatibility = parsed.compatibility;
    this.#client = new RegistryClient(parsed.url, this.#compiler.ajvInstance);
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
    const text = prepareSchema(eventName, jsonSchema);
    const compatibility = await this.#ensureCompatibility(subject);
    // The library re-reads the level and throws unless it equals `compatibility` (upper-cased).
    const level = compatibility as COMPATIBILITY;
    const registered = await this.#client.library((registry) => registry.register({ type: csr.SchemaType.JSON, schema: text }, { subject, compatibility: level }));
    const action = `registering a schema under subject "${subject}"`;
    if (!registered.ok) {
      const { failure } = registered;
      if (failure.kind === 'answered' && failure.status === 409) throw incompatible(eventName, subject, compatibility, failure.message);
      throw this.#failed(failure, action);
    }
    const { id } = registered.value;
    if (!Number.isInteger(id) || id <= 0) throw this.#failed({ kind: 'answered', status: 200, message: `id ${JSON.stringify(id)}`, cause: undefined }, action);
    return id;
  }

  /**
   * Validates `payload` (as it reads after a JSON round trip, so a `Date` counts as its ISO string)
   * against schema `schemaId` and returns it in the Confluent wire format.
   * @throws SwitchyardError `SY_INVALID_PAYLOAD` naming the JSON path of the first bad field;
   *   `SY_SCHEMA_REGISTRY_UNAVAILABLE` with `details.unknownSchemaId` when the registry does not
   *   know the id (register the type again), or when it cannot be reached.
   */
  async encode(schemaId: number, payload: unknown): Promise<Buffer> {
    requireSchemaId(schemaId);
    const lookup = await this.#lookup(schemaId);
    if (lookup.kind === 'unknown') {
      throw this.#unavailable(`has no schema with id ${schemaId}`, {
        retriable: false,
        hint: 'Encode with an id that register() returned from this registry; the local in-memory registry forgets all ids when it restarts, so register the event types again.',
        details: { unknownSchemaId: schemaId },
      });
    }
    if (lookup.kind === 'unusable') {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Schema ${schemaId} cannot validate payloads: ${lookup.reason}`, {
        hint: `Encode with the id of a JSON Schema that register() accepted (schema: ${this.schemaUri(schemaId)}).`,
        details: { schemaId },
      });
    }
    const value: unknown = JSON.parse(toJson(payload, schemaId));
    const encoded = await this.#client.library((registry) => registry.encode(schemaId, value));
    if (encoded.ok) return encoded.value;
    if (isValidationFailure(encoded.failure)) throw this.#invalidPayload(lookup.schema, value, schemaId, 'encode', encoded.failure.cause);
    throw this.#failed(encoded.failure, `encoding with schema ${schemaId}`);
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
    const body = buffer.subarray(HEADER_BYTES);
    if (!isUtf8(body)) throw notJson(schemaId);
    const decoded = await this.#client.library((registry) => registry.decode(buffer) as Promise<unknown>);
    if (decoded.ok) return { schemaId, payload: decoded.value };
    const { failure } = decoded;
    if (failure.kind === 'library' && failure.cause instanceof SyntaxError) throw notJson(schemaId, failure.cause);
    if (isValidationFailure(failure)) throw this.#invalidPayload(lookup.schema, JSON.parse(body.toString('utf8')), schemaId, 'decode', failure.cause);
    throw this.#failed(failure, `decoding with schema ${schemaId}`);
  }

  /** True when `buffer` starts with magic byte 0 and a schema id, followed by at least one byte. */
  static isWireFormat(buffer: Buffer | null): boolean {
    return buffer !== null && buffer.length > HEADER_BYTES && buffer[0] === MAGIC_BYTE;
  }

  /** URI for the CloudEvents `dataschema` attribute: `<url>/schemas/ids/<id>`. */
  schemaUri(schemaId: number): string {
    return `${this.#url}/schemas/ids/${schemaId}`;
  }

  /** The subject's compatibility in effect (upper case); sets ours first when the subject has none yet. */
  async #ensureCompatibility(subject: string): Promise<string> {
    const path = `/config/${encodeURIComponent(subject)}`;
    const reading = `reading the compatibility of subject "${subject}"`;
    const current = this.#answer(await this.#client.request('GET', path), reading);
    const level = current.status === 200 ? answerField(current.body, 'compatibilityLevel') : undefined;
    if (typeof level === 'string') return level.toUpperCase();
    if (current.status !== 404 || !SUBJECT_WITHOUT_LEVEL.has(answerField(current.body, 'error_code'))) throw this.#failed(unexpected(current), reading);
    const setting = `setting compatibility ${this.#compatibility} on subject "${subject}"`;
    const set = this.#answer(await this.#client.request('PUT', path, { compatibility: this.#compatibility }), setting);
    // Apicurio stores NONE as "no rule" and answers 404 (40401) when there is no rule to remove yet.
    const noneWithoutRule = this.#compatibility === 'NONE' && set.status === 404 && answerField(set.body, 'error_code') === 40401;
    if (set.status !== 200 && !noneWithoutRule) throw this.#failed(unexpected(set), setting);
    return this.#compatibility;
  }

  #answer(outcome: RegistryOutcome<RegistryAnswer>, action: string): RegistryAnswer {
    if (!outcome.ok) throw this.#failed(outcome.failure, action);
    return outcome.value;
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

  /** Through the library: a cache hit after register(), else `GET /schemas/ids/<id>` and a compile. */
  async #fetchSchema(schemaId: number): Promise<SchemaLookup> {
    const fetched = await this.#client.library(async (registry) => {
      const schema = await registry.getSchema(schemaId);
      return { schema, type: registry.cache.getSchema(schemaId)?.type };
    });
    if (fetched.ok) {
      const { schema, type } = fetched.value;
      if (type === csr.SchemaType.JSON) return { kind: 'found', schema };
      return { kind: 'unusable', reason: `it is a ${String(type)} schema, and this codec reads JSON Schema only` };
    }
    const { failure } = fetched;
    if (failure.kind === 'answered' && failure.status === 404) return { kind: 'unknown' };
    if (failure.kind === 'library') return { kind: 'unusable', reason: `it does not load (${causeMessage(failure.cause)})` };
    throw this.#failed(failure, `fetching schema ${schemaId}`);
  }

  /** The library refused `value`: its validator runs once more, for ajv's full first error. */
  #invalidPayload(schema: LibrarySchema, value: unknown, schemaId: number, direction: 'encode' | 'decode', cause: unknown): SwitchyardError {
    const errors = this.#compiler.explain(() => schema.isValid(value as object, { errorHook: () => undefined }));
    const error = errors?.[0];
    const field = error ? fieldPath(error) : '$';
    const problem = error ? describeProblem(error) : 'does not match the schema';
    const uri = this.schemaUri(schemaId);
    return new SwitchyardError('SY_INVALID_PAYLOAD', `${direction === 'encode' ? 'Payload' : 'Decoded payload'} does not match schema ${schemaId}: ${field} ${problem}`, {
      hint:
        direction === 'encode'
          ? `Fix ${field} in the payload, or register a schema version that allows it (schema: ${uri}).`
          : `The producer wrote a payload its own schema refuses at ${field}: fix the producer (schema: ${uri}); dead-letter this record.`,
      details: { schemaId, field, keyword: error?.keyword, params: error?.params },
      cause,
    });
  }

  /** No answer and 5xx/408/429 are worth retrying; other answers are not, nor are the library's own refusals. */
  #failed(failure: RegistryFailure, action: string): SwitchyardError {
    switch (failure.kind) {
      case 'unreachable':
        return this.#unavailable(`is unreachable (${action}: ${failure.reason})`, { cause: failure.cause });
      case 'answered': {
        const retriable = failure.status >= 500 || failure.status === 408 || failure.status === 429;
        return this.#unavailable(`answered ${failure.status} when ${action}: ${failure.message}`, { retriable, details: { status: failure.status }, cause: failure.cause });
      }
      case 'library':
        // A compatibility error here means the subject's level changed since we read it: try again.
        return this.#unavailable(`could not be used when ${action}: ${causeMessage(failure.cause)}`, {
          retriable: failure.cause instanceof ConfluentSchemaRegistryCompatibilityError,
          cause: failure.cause,
        });
    }
  }

  #unavailable(what: string, extra: { retriable?: boolean; details?: Record<string, unknown>; hint?: string; cause?: unknown }): SwitchyardError {
    return new SwitchyardError('SY_SCHEMA_REGISTRY_UNAVAILABLE', `Schema registry at ${this.#url} ${what}`, {
      hint:
        extra.hint ??
        `Check that a Confluent-compatible schema registry answers at ${this.#url} (SCHEMA_REGISTRY_URL); locally, \`npm run schema-registry:up\` serves one at http://127.0.0.1:8081/apis/ccompat/v7.`,
      details: { url: this.#url, ...extra.details },
      retriable: extra.retriable,
      cause: extra.cause,
    });
  }
}

/** Checks and strictly compiles an event type's schema before it goes to the registry; returns its canonical text. */
function prepareSchema(eventName: string, jsonSchema: object): string {
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
    compileJsonSchema(jsonSchema, true);
  } catch (error) {
    throw invalid(`does not compile: ${(error as Error).message}`, 'Fix the schema (a typo in a keyword counts as an error here); it must be valid draft-07 JSON Schema.', error);
  }
  return canonicalJson(jsonSchema);
}

/** The library reports a payload its validator refuses as a ConfluentSchemaRegistryValidationError. */
function isValidationFailure(failure: RegistryFailure): failure is Extract<RegistryFailure, { kind: 'library' }> {
  return failure.kind === 'library' && failure.cause instanceof ConfluentSchemaRegistryValidationError;
}

function notJson(schemaId: number, cause?: unknown): SwitchyardError {
  return new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Message with schema id ${schemaId} does not hold UTF-8 JSON after its 5-byte header`, {
    hint: 'The producer wrote a non-JSON body behind the wire-format header; dead-letter the record and fix the producer.',
    details: { schemaId },
    cause,
  });
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

function incompatible(eventName: string, subject: string, compatibility: string, reason: string): SwitchyardError {
  const how = compatibility.startsWith('BACKWARD')
    ? 'readers of the new schema must accept every registered record: add new fields as optional and keep additionalProperties: false (on an open object a new property narrows what old records may hold); do not add required fields or narrow types'
    : `change what the registry's reason names until the schema is ${compatibility}-compatible with the registered versions`;
  return new SwitchyardError(
    'SY_SCHEMA_INCOMPATIBLE',
    `Schema registry refused the new JSON Schema of event type "${eventName}" as incompatible with subject "${subject}" (compatibility ${compatibility}): ${reason}`,
    {
      hint: `Make the change compatible (${how}), or publish it under a new event name (e.g. ${eventName}_v2).`,
      details: { eventName, subject, compatibility },
    },
  );
}

/** A hand-made request's answer that the codec did not expect, as a failure. */
function unexpected(answer: RegistryAnswer): RegistryFailure {
  return { kind: 'answered', status: answer.status, message: registryMessage(answer.body), cause: undefined };
}

/** A field of a registry answer's JSON body (`message`, `error_code`, `compatibilityLevel`, ...). */
function answerField(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function registryMessage(body: unknown): string {
  const message = answerField(body, 'message');
  if (typeof message === 'string') return message;
  return typeof body === 'string' && body !== '' ? body.slice(0, 300) : '(no message)';
}

function causeMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
