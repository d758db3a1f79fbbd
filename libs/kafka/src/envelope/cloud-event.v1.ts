import { z } from 'zod';
import { EventNameSchema, EventPriority } from '@switchyard/protocol';
import { CLOUDEVENT_HEADERS } from '../catalog/header-names.js';
import type { IncomingRecord, OutgoingRecord } from '../client/kafka-client.port.js';
import { BytesMemo } from '../client/records/bytes-memo.js';

/** The CloudEvents version our records declare. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** `datacontenttype` of a plain JSON payload. */
export const JSON_CONTENT_TYPE = 'application/json';
/**
 * `datacontenttype` of a payload in the Confluent wire format (magic byte 0, 4-byte schema id,
 * JSON): opaque bytes to a generic CloudEvents reader; `ce_dataschema` names the schema.
 */
export const CONFLUENT_JSON_CONTENT_TYPE = 'application/vnd.confluent.json';

/** An event's attributes as they travel in CloudEvents binary-mode headers. */
export interface EventAttributes {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  /** ISO time the event was emitted (`ce_time`). */
  readonly timestamp: string;
  readonly priority: EventPriority;
  readonly tenantId?: string;
  readonly userId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly contentType: string;
  readonly dataschema?: string;
  readonly traceparent?: string;
}

/**
 * Writes an event as a CloudEvents Kafka binary-mode record: attributes in `ce_*` headers, the
 * data (already encoded) as the value, the tenant id as the key so a tenant's events share a
 * partition and stay in order. `extraHeaders` carry the bus's own `sy-event-*` headers.
 */
export function encodeEventRecord(attributes: EventAttributes, data: Buffer | string, extraHeaders: Readonly<Record<string, string>> = {}): OutgoingRecord {
  const h = CLOUDEVENT_HEADERS;
  const optional = (name: string, value: string | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    key: attributes.tenantId ?? null,
    value: data,
    headers: {
      [h.specversion]: CLOUDEVENTS_SPEC_VERSION,
      [h.id]: attributes.id,
      [h.source]: attributes.source,
      [h.type]: attributes.name,
      [h.time]: attributes.timestamp,
      [h.contentType]: attributes.contentType,
      [h.priority]: attributes.priority,
      ...optional(h.tenantid, attributes.tenantId),
      ...optional(h.userid, attributes.userId),
      ...optional(h.correlationid, attributes.correlationId),
      ...optional(h.causationid, attributes.causationId),
      ...optional(h.dataschema, attributes.dataschema),
      ...optional(h.traceparent, attributes.traceparent),
      ...extraHeaders,
    },
  };
}

const AttributeHeadersSchema = z.object({
  [CLOUDEVENT_HEADERS.specversion]: z.literal(CLOUDEVENTS_SPEC_VERSION, { message: `must be "${CLOUDEVENTS_SPEC_VERSION}"` }),
  [CLOUDEVENT_HEADERS.id]: z.string().min(1).max(200),
  [CLOUDEVENT_HEADERS.source]: z.string().min(1),
  [CLOUDEVENT_HEADERS.type]: EventNameSchema,
  [CLOUDEVENT_HEADERS.time]: z.iso.datetime({ offset: true }),
  [CLOUDEVENT_HEADERS.contentType]: z.string().min(1).default(JSON_CONTENT_TYPE),
  [CLOUDEVENT_HEADERS.priority]: EventPriority.default('normal'),
  [CLOUDEVENT_HEADERS.tenantid]: z.string().min(1).optional(),
  [CLOUDEVENT_HEADERS.userid]: z.string().min(1).optional(),
  [CLOUDEVENT_HEADERS.correlationid]: z.string().min(1).optional(),
  [CLOUDEVENT_HEADERS.causationid]: z.string().min(1).optional(),
  [CLOUDEVENT_HEADERS.dataschema]: z.string().min(1).optional(),
  [CLOUDEVENT_HEADERS.traceparent]: z.string().min(1).optional(),
});

export type EventRecordDecode =
  | { readonly ok: true; readonly attributes: EventAttributes; readonly data: Buffer | null }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads the CloudEvents attributes of a record (any producer that follows the binary-mode
 * binding is understood). Never throws: a record that is not an event comes back with the
 * reason, naming the header.
 */
export function decodeEventRecord(record: IncomingRecord): EventRecordDecode {
  // The hot path (every event a subscription or route takes) checks the headers by hand; a record
  // it does not accept goes through the zod schema, which accepts it or names what is wrong.
  return decodeEventHeadersFast(record) ?? decodeEventRecordBySchema(record);
}

/** {@link decodeEventRecord} through the zod schema only (the reference the hand check is tested against). */
export function decodeEventRecordBySchema(record: IncomingRecord): EventRecordDecode {
  const raw = Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, value.toString('utf8')]));
  const parsed = AttributeHeadersSchema.safeParse(raw);
  if (!parsed.success) {
    const missing = parsed.error.issues.filter((i) => raw[String(i.path[0])] === undefined).map((i) => String(i.path[0]));
    const invalid = parsed.error.issues.filter((i) => raw[String(i.path[0])] !== undefined).map((i) => `header ${String(i.path[0])}: ${i.message}`);
    return { ok: false, reason: [...(missing.length > 0 ? [`missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] : []), ...invalid].join('; ') };
  }
  const h = parsed.data;
  const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));
  return {
    ok: true,
    data: record.value,
    attributes: {
      id: h[CLOUDEVENT_HEADERS.id],
      name: h[CLOUDEVENT_HEADERS.type],
      source: h[CLOUDEVENT_HEADERS.source],
      timestamp: h[CLOUDEVENT_HEADERS.time],
      priority: h[CLOUDEVENT_HEADERS.priority],
      contentType: h[CLOUDEVENT_HEADERS.contentType],
      ...optional('tenantId', h[CLOUDEVENT_HEADERS.tenantid]),
      ...optional('userId', h[CLOUDEVENT_HEADERS.userid]),
      ...optional('correlationId', h[CLOUDEVENT_HEADERS.correlationid]),
      ...optional('causationId', h[CLOUDEVENT_HEADERS.causationid]),
      ...optional('dataschema', h[CLOUDEVENT_HEADERS.dataschema]),
      ...optional('traceparent', h[CLOUDEVENT_HEADERS.traceparent]),
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TIME_SCHEMA = AttributeHeadersSchema.shape[CLOUDEVENT_HEADERS.time];
/** zod's own pattern for `ce_time` (the check it runs), so the hand check accepts exactly what it does. */
const TIME_PATTERN: unknown = (TIME_SCHEMA._zod.def as { pattern?: unknown }).pattern;
const isTime: (value: string) => boolean = TIME_PATTERN instanceof RegExp ? (value) => (TIME_PATTERN as RegExp).test(value) : (value) => TIME_SCHEMA.safeParse(value).success;
const PRIORITIES: ReadonlySet<string> = new Set(EventPriority.options);
/** Event names the schema accepted (few distinct values per process; at most MAX_NAMES remembered). */
const acceptedNames = new Set<string>();
const MAX_NAMES = 1_000;

function isEventName(name: string): boolean {
  if (acceptedNames.has(name)) return true;
  if (!EventNameSchema.safeParse(name).success) return false;
  if (acceptedNames.size < MAX_NAMES) acceptedNames.add(name);
  return true;
}

/** Optional attributes and their headers: each, when present, a non-empty string. */
const OPTIONAL_ATTRIBUTES = [
  ['tenantId', CLOUDEVENT_HEADERS.tenantid],
  ['userId', CLOUDEVENT_HEADERS.userid],
  ['correlationId', CLOUDEVENT_HEADERS.correlationid],
  ['causationId', CLOUDEVENT_HEADERS.causationid],
  ['dataschema', CLOUDEVENT_HEADERS.dataschema],
  ['traceparent', CLOUDEVENT_HEADERS.traceparent],
] as const;

/** Header `name` as text, or undefined when absent. */
function textOf(headers: Readonly<Record<string, Buffer>>, name: string): string | undefined {
  return Object.hasOwn(headers, name) ? headers[name]!.toString('utf8') : undefined;
}

/** Texts of the headers of few distinct values (spec version, source, type, content type, priority), by their bytes. */
const rememberedTexts = new Map<string, BytesMemo<string>>();

/** Header `name` as text, or undefined when absent; for a header of few distinct values (its texts are remembered by their bytes). */
function fewValuedTextOf(headers: Readonly<Record<string, Buffer>>, name: string): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const bytes = headers[name]!;
  let memo = rememberedTexts.get(name);
  if (memo === undefined) rememberedTexts.set(name, (memo = new BytesMemo({ maxPerLength: 32, maxLength: 256 })));
  const known = memo.get(bytes);
  if (known !== undefined) return known;
  const text = bytes.toString('utf8');
  memo.set(bytes, text);
  return text;
}

/**
 * The decoded event when its headers are valid, checked without zod's object parse: each test
 * accepts only what the attribute schema accepts (same bounds, zod's own time pattern, the event
 * name schema once per distinct name); undefined sends the record through the schema, whose
 * refusal names the bad or missing header.
 */
function decodeEventHeadersFast(record: IncomingRecord): EventRecordDecode | undefined {
  const { headers } = record;
  if (fewValuedTextOf(headers, CLOUDEVENT_HEADERS.specversion) !== CLOUDEVENTS_SPEC_VERSION) return undefined;
  const id = textOf(headers, CLOUDEVENT_HEADERS.id);
  const source = fewValuedTextOf(headers, CLOUDEVENT_HEADERS.source);
  const name = fewValuedTextOf(headers, CLOUDEVENT_HEADERS.type);
  const timestamp = textOf(headers, CLOUDEVENT_HEADERS.time);
  if (id === undefined || id.length < 1 || id.length > 200 || !source || name === undefined || timestamp === undefined) return undefined;
  if (!isEventName(name) || !isTime(timestamp)) return undefined;
  const contentType = fewValuedTextOf(headers, CLOUDEVENT_HEADERS.contentType) ?? JSON_CONTENT_TYPE;
  const priority = fewValuedTextOf(headers, CLOUDEVENT_HEADERS.priority) ?? 'normal';
  if (contentType.length === 0 || !PRIORITIES.has(priority)) return undefined;
  const attributes: Mutable<EventAttributes> = { id, name, source, timestamp, priority: priority as EventPriority, contentType };
  for (const [attribute, header] of OPTIONAL_ATTRIBUTES) {
    const value = textOf(headers, header);
    if (value === undefined) continue;
    if (value.length === 0) return undefined;
    attributes[attribute] = value;
  }
  return { ok: true, data: record.value, attributes };
}
