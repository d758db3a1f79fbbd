import { z } from 'zod';
import { SwitchyardError, TaskPriority, TaskRetryPolicySchema, QueueNameSchema, type Task, type TaskRetryPolicy } from '@switchyard/protocol';
import { TASK_HEADERS } from '../catalog/header-names.js';
import type { IncomingRecord, OutgoingRecord } from '../client/kafka-client.port.js';
import { BytesMemo } from '../client/records/bytes-memo.js';

/** Value of the `sy-envelope` header for this format. */
export const TASK_ENVELOPE_V1 = 'task.v1';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const iso = z.iso.datetime({ offset: true });
const intString = z.string().regex(/^\d+$/, 'must be a non-negative whole number').transform(Number);

/**
 * A task on the wire, version 1: metadata in headers (so routing never parses the payload), the
 * payload as UTF-8 JSON in the value, the tenant id as the key (so a tenant's tasks share a
 * partition and stay ordered).
 */
export interface TaskEnvelope {
  readonly taskId: string;
  readonly type: string;
  readonly queue: string;
  readonly priority: TaskPriority;
  readonly tenant?: string;
  /** Order tasks by this key inside a partition; default: the tenant. */
  readonly orderingKey?: string;
  /** Attempts already made: 0 on first delivery. */
  readonly attempt: number;
  readonly createdAt: string;
  /** Task.metadata.updatedAt, as the producer set it. */
  readonly updatedAt?: string;
  /** Task.metadata.createdBy. */
  readonly createdBy?: string;
  /** Task.metadata.tags ("for filtering"). */
  readonly tags?: readonly string[];
  /** ISO time before which the task must not run. */
  readonly notBefore?: string;
  readonly firstFailureAt?: string;
  readonly lastFailureAt?: string;
  readonly timeoutMs?: number;
  readonly retryPolicy?: TaskRetryPolicy;
  /** `topic/partition/offset` the record was moved from (retry, DLQ, replay). */
  readonly origin?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Set for a BatchTask: how its `payload.items` are cut and run. */
  readonly batch?: BatchOptions;
  readonly payload: unknown;
}

/** How a BatchTask's items are cut and run (the protocol BatchTask fields that travel). */
export interface BatchOptions {
  readonly batchSize: number;
  readonly parallel: boolean;
  readonly stopOnError: boolean;
}

const TagsSchema = z.array(z.string());

const BatchOptionsSchema = z.object({ batchSize: z.number().int().min(1), parallel: z.boolean(), stopOnError: z.boolean() });

/** The header part of the envelope, validated field by field (header names in messages). */
const HeadersV1Schema = z.object({
  [TASK_HEADERS.envelope]: z.literal(TASK_ENVELOPE_V1),
  [TASK_HEADERS.taskId]: z.string().min(1).max(200),
  [TASK_HEADERS.taskType]: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a snake_case task type'),
  [TASK_HEADERS.queue]: QueueNameSchema,
  [TASK_HEADERS.priority]: TaskPriority,
  [TASK_HEADERS.tenant]: z.string().min(1).optional(),
  [TASK_HEADERS.orderingKey]: z.string().min(1).optional(),
  [TASK_HEADERS.attempt]: intString,
  [TASK_HEADERS.createdAt]: iso,
  [TASK_HEADERS.updatedAt]: iso.optional(),
  [TASK_HEADERS.createdBy]: z.string().optional(),
  [TASK_HEADERS.tags]: z.string().optional(),
  [TASK_HEADERS.notBefore]: iso.optional(),
  [TASK_HEADERS.firstFailureAt]: iso.optional(),
  [TASK_HEADERS.lastFailureAt]: iso.optional(),
  [TASK_HEADERS.timeoutMs]: intString.optional(),
  [TASK_HEADERS.retryPolicy]: z.string().optional(),
  [TASK_HEADERS.origin]: z.string().optional(),
  [TASK_HEADERS.contentType]: z.literal('application/json').optional(),
  [TASK_HEADERS.traceparent]: z.string().regex(TRACEPARENT, 'must be a W3C traceparent').optional(),
  [TASK_HEADERS.tracestate]: z.string().optional(),
  [TASK_HEADERS.batch]: z.string().optional(),
});

/** The protocol's Task.metadata of an envelope: createdAt always; updatedAt, createdBy, tags when set. */
export function taskMetadataOf(envelope: Pick<TaskEnvelope, 'createdAt' | 'updatedAt' | 'createdBy' | 'tags'>): NonNullable<Task['metadata']> {
  const metadata: Mutable<NonNullable<Task['metadata']>> = { createdAt: envelope.createdAt };
  if (envelope.updatedAt !== undefined) metadata.updatedAt = envelope.updatedAt;
  if (envelope.createdBy !== undefined) metadata.createdBy = envelope.createdBy;
  if (envelope.tags !== undefined) metadata.tags = [...envelope.tags];
  return metadata;
}

/** Encodes a task for producing. The caller chooses the topic (see topic-names). */
export function encodeTaskEnvelope(envelope: TaskEnvelope): OutgoingRecord {
  const headers: Record<string, string> = {
    [TASK_HEADERS.envelope]: TASK_ENVELOPE_V1,
    [TASK_HEADERS.taskId]: envelope.taskId,
    [TASK_HEADERS.taskType]: envelope.type,
    [TASK_HEADERS.queue]: envelope.queue,
    [TASK_HEADERS.priority]: envelope.priority,
    [TASK_HEADERS.attempt]: String(envelope.attempt),
    [TASK_HEADERS.createdAt]: envelope.createdAt,
    [TASK_HEADERS.contentType]: 'application/json',
  };
  const optional: [string, string | undefined][] = [
    [TASK_HEADERS.tenant, envelope.tenant],
    [TASK_HEADERS.orderingKey, envelope.orderingKey],
    [TASK_HEADERS.notBefore, envelope.notBefore],
    [TASK_HEADERS.firstFailureAt, envelope.firstFailureAt],
    [TASK_HEADERS.lastFailureAt, envelope.lastFailureAt],
    [TASK_HEADERS.timeoutMs, envelope.timeoutMs === undefined ? undefined : String(envelope.timeoutMs)],
    [TASK_HEADERS.retryPolicy, envelope.retryPolicy === undefined ? undefined : JSON.stringify(envelope.retryPolicy)],
    [TASK_HEADERS.origin, envelope.origin],
    [TASK_HEADERS.traceparent, envelope.traceparent],
    [TASK_HEADERS.tracestate, envelope.tracestate],
    [TASK_HEADERS.batch, envelope.batch === undefined ? undefined : JSON.stringify(envelope.batch)],
    [TASK_HEADERS.updatedAt, envelope.updatedAt],
    [TASK_HEADERS.createdBy, envelope.createdBy],
    [TASK_HEADERS.tags, envelope.tags === undefined ? undefined : JSON.stringify(envelope.tags)],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers[name] = value;
  return {
    key: envelope.tenant ?? null,
    value: JSON.stringify(envelope.payload ?? null),
    headers,
  };
}

/** Outcome of decoding: an envelope, or the reason it could not be read (for the DLQ). */
export type DecodeResult = { readonly ok: true; readonly envelope: TaskEnvelope } | { readonly ok: false; readonly error: SwitchyardError };

function undecodable(record: IncomingRecord, reason: string): DecodeResult {
  return {
    ok: false,
    error: new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Record ${record.topic}/${record.partition}/${record.offset} is not a task.v1 envelope: ${reason}`, {
      hint: 'Produce tasks with the Switchyard producer, or set the sy-* headers documented in docs/lifecycle.md.',
      details: { topic: record.topic, partition: record.partition, offset: record.offset, reason },
    }),
  };
}

type TaskHeadersV1 = z.output<typeof HeadersV1Schema>;

/**
 * Decodes a consumed record. Never throws: garbage bytes, missing or malformed headers and
 * invalid JSON come back as `{ ok: false }` with a reason naming the header or the problem.
 */
export function decodeTaskEnvelope(record: IncomingRecord): DecodeResult {
  // The hot path (every record a worker takes) checks the headers by hand; a record it does not
  // accept goes through the zod schema, which accepts it or names what is wrong.
  let h: TaskHeadersV1 | undefined = readHeadersFast(record.headers);
  if (h === undefined) {
    const raw = Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, value.toString('utf8')]));
    const parsed = HeadersV1Schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `header ${String(i.path[0] ?? '?')}: ${i.message}`);
      return undecodable(record, issues.join('; '));
    }
    h = parsed.data;
  }
  let retryPolicy: TaskRetryPolicy | undefined;
  const policyText = h[TASK_HEADERS.retryPolicy];
  if (policyText !== undefined) {
    let policyJson: unknown;
    try {
      policyJson = JSON.parse(policyText);
    } catch {
      return undecodable(record, `header ${TASK_HEADERS.retryPolicy}: not JSON`);
    }
    const policy = TaskRetryPolicySchema.safeParse(policyJson);
    if (!policy.success) return undecodable(record, `header ${TASK_HEADERS.retryPolicy}: ${policy.error.issues[0]?.message ?? 'invalid'}`);
    retryPolicy = policy.data;
  }
  const batch = jsonHeader(h[TASK_HEADERS.batch], BatchOptionsSchema);
  if (!batch.ok) return undecodable(record, `header ${TASK_HEADERS.batch}: must be JSON {batchSize, parallel, stopOnError}`);
  const tags = jsonHeader(h[TASK_HEADERS.tags], TagsSchema);
  if (!tags.ok) return undecodable(record, `header ${TASK_HEADERS.tags}: must be a JSON array of strings`);
  let payload: unknown;
  try {
    payload = record.value === null ? null : JSON.parse(record.value.toString('utf8'));
  } catch {
    return undecodable(record, 'value is not valid UTF-8 JSON');
  }
  const envelope: Mutable<TaskEnvelope> = {
    taskId: h[TASK_HEADERS.taskId],
    type: h[TASK_HEADERS.taskType],
    queue: h[TASK_HEADERS.queue],
    priority: h[TASK_HEADERS.priority],
    attempt: h[TASK_HEADERS.attempt],
    createdAt: h[TASK_HEADERS.createdAt],
    payload,
  };
  // Optional fields only when set (no `undefined` keys).
  if (h[TASK_HEADERS.tenant] !== undefined) envelope.tenant = h[TASK_HEADERS.tenant];
  if (h[TASK_HEADERS.orderingKey] !== undefined) envelope.orderingKey = h[TASK_HEADERS.orderingKey];
  if (h[TASK_HEADERS.notBefore] !== undefined) envelope.notBefore = h[TASK_HEADERS.notBefore];
  if (h[TASK_HEADERS.firstFailureAt] !== undefined) envelope.firstFailureAt = h[TASK_HEADERS.firstFailureAt];
  if (h[TASK_HEADERS.lastFailureAt] !== undefined) envelope.lastFailureAt = h[TASK_HEADERS.lastFailureAt];
  if (h[TASK_HEADERS.timeoutMs] !== undefined) envelope.timeoutMs = h[TASK_HEADERS.timeoutMs];
  if (retryPolicy !== undefined) envelope.retryPolicy = retryPolicy;
  if (h[TASK_HEADERS.origin] !== undefined) envelope.origin = h[TASK_HEADERS.origin];
  if (h[TASK_HEADERS.traceparent] !== undefined) envelope.traceparent = h[TASK_HEADERS.traceparent];
  if (h[TASK_HEADERS.tracestate] !== undefined) envelope.tracestate = h[TASK_HEADERS.tracestate];
  if (batch.value !== undefined) envelope.batch = batch.value;
  if (h[TASK_HEADERS.updatedAt] !== undefined) envelope.updatedAt = h[TASK_HEADERS.updatedAt];
  if (h[TASK_HEADERS.createdBy] !== undefined) envelope.createdBy = h[TASK_HEADERS.createdBy];
  if (tags.value !== undefined) envelope.tags = tags.value;
  return { ok: true, envelope };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** zod's own pattern for `iso` (the check it runs), so the hand check accepts exactly what it does. */
const ISO_PATTERN: unknown = (iso._zod.def as { pattern?: unknown }).pattern;
const isIso: (value: string) => boolean = ISO_PATTERN instanceof RegExp ? (value) => (ISO_PATTERN as RegExp).test(value) : (value) => iso.safeParse(value).success;

/** Header values the schema accepted, by their bytes, per header of few distinct values (type, queue, priority, attempt). */
const acceptedValues = new Map<string, BytesMemo<unknown>>();

/**
 * Header `name` as its schema outputs it, or undefined when absent or rejected. zod runs once per
 * distinct value (the first 32 of each length of each header are remembered by their bytes).
 */
function acceptedValue(headers: Readonly<Record<string, Buffer>>, name: keyof typeof HeadersV1Schema.shape): unknown {
  const bytes = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (bytes === undefined) return undefined;
  let seen = acceptedValues.get(name);
  if (seen === undefined) acceptedValues.set(name, (seen = new BytesMemo({ maxPerLength: 32, maxLength: 256 })));
  const known = seen.get(bytes);
  if (known !== undefined) return known;
  const parsed = HeadersV1Schema.shape[name].safeParse(bytes.toString('utf8'));
  if (!parsed.success || parsed.data === undefined) return undefined;
  seen.set(bytes, parsed.data);
  return parsed.data;
}

/** Header `name` as text, or undefined when absent. */
function textOf(headers: Readonly<Record<string, Buffer>>, name: string): string | undefined {
  return Object.hasOwn(headers, name) ? headers[name]!.toString('utf8') : undefined;
}

/**
 * The headers of a task.v1 record when they are valid, checked without zod's object parse: each
 * test here accepts only what {@link HeadersV1Schema} accepts (the same patterns and bounds), and
 * undefined sends the record through the schema, whose error messages name the bad header.
 */
function readHeadersFast(headers: Readonly<Record<string, Buffer>>): TaskHeadersV1 | undefined {
  const envelope = acceptedValue(headers, TASK_HEADERS.envelope);
  const type = acceptedValue(headers, TASK_HEADERS.taskType);
  const queue = acceptedValue(headers, TASK_HEADERS.queue);
  const priority = acceptedValue(headers, TASK_HEADERS.priority);
  const attempt = acceptedValue(headers, TASK_HEADERS.attempt);
  if (envelope === undefined || type === undefined || queue === undefined || priority === undefined || attempt === undefined) return undefined;
  const taskId = textOf(headers, TASK_HEADERS.taskId);
  if (taskId === undefined || taskId.length < 1 || taskId.length > 200) return undefined;
  const createdAt = textOf(headers, TASK_HEADERS.createdAt);
  if (createdAt === undefined || !isIso(createdAt)) return undefined;
  const out: Record<string, unknown> = {
    [TASK_HEADERS.envelope]: envelope,
    [TASK_HEADERS.taskId]: taskId,
    [TASK_HEADERS.taskType]: type,
    [TASK_HEADERS.queue]: queue,
    [TASK_HEADERS.priority]: priority,
    [TASK_HEADERS.attempt]: attempt,
    [TASK_HEADERS.createdAt]: createdAt,
  };
  for (const name of NON_EMPTY) {
    const value = textOf(headers, name);
    if (value === undefined) continue;
    if (value.length === 0) return undefined;
    out[name] = value;
  }
  for (const name of ISO_TIMES) {
    const value = textOf(headers, name);
    if (value === undefined) continue;
    if (!isIso(value)) return undefined;
    out[name] = value;
  }
  for (const name of ANY_TEXT) {
    const value = textOf(headers, name);
    if (value !== undefined) out[name] = value;
  }
  for (const name of BY_SCHEMA) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = acceptedValue(headers, name);
    if (value === undefined) return undefined;
    out[name] = value;
  }
  const traceparent = textOf(headers, TASK_HEADERS.traceparent);
  if (traceparent !== undefined) {
    if (!TRACEPARENT.test(traceparent)) return undefined;
    out[TASK_HEADERS.traceparent] = traceparent;
  }
  return out as TaskHeadersV1;
}

/** Optional headers by the check the schema makes of them (see HeadersV1Schema). */
const NON_EMPTY = [TASK_HEADERS.tenant, TASK_HEADERS.orderingKey] as const;
const ISO_TIMES = [TASK_HEADERS.updatedAt, TASK_HEADERS.notBefore, TASK_HEADERS.firstFailureAt, TASK_HEADERS.lastFailureAt] as const;
const ANY_TEXT = [TASK_HEADERS.createdBy, TASK_HEADERS.tags, TASK_HEADERS.retryPolicy, TASK_HEADERS.origin, TASK_HEADERS.tracestate, TASK_HEADERS.batch] as const;
/** Optional headers of few distinct values, checked by their schema once per value. */
const BY_SCHEMA = [TASK_HEADERS.timeoutMs, TASK_HEADERS.contentType] as const;

/** A header holding JSON of `schema`: its value (undefined when the header is absent), or not ok. */
function jsonHeader<T>(text: string | undefined, schema: z.ZodType<T>): { readonly ok: true; readonly value: T | undefined } | { readonly ok: false } {
  if (text === undefined) return { ok: true, value: undefined };
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false };
  } catch {
    return { ok: false };
  }
}

const size = (v: string | Buffer | null | undefined): number => (v == null ? 0 : Buffer.byteLength(v));

/** Bytes a record occupies on the wire, approximately (key + value + headers); for size limits. */
export function recordSizeBytes(record: OutgoingRecord): number {
  let total = size(record.key) + size(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) total += Buffer.byteLength(name) + size(value);
  return total;
}
