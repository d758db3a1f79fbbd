import { z } from 'zod';
import { SwitchyardError, TaskPriority, TaskRetryPolicySchema, QueueNameSchema, type Task, type TaskRetryPolicy } from '@switchyard/protocol';
import { TASK_HEADERS } from '../catalog/header-names.js';
import type { IncomingRecord, OutgoingRecord } from '../client/kafka-client.port.js';

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
  return {
    createdAt: envelope.createdAt,
    ...defined({ updatedAt: envelope.updatedAt, createdBy: envelope.createdBy, tags: envelope.tags === undefined ? undefined : [...envelope.tags] }),
  };
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

/**
 * Decodes a consumed record. Never throws: garbage bytes, missing or malformed headers and
 * invalid JSON come back as `{ ok: false }` with a reason naming the header or the problem.
 */
export function decodeTaskEnvelope(record: IncomingRecord): DecodeResult {
  const raw = Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, value.toString('utf8')]));
  const parsed = HeadersV1Schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `header ${String(i.path[0] ?? '?')}: ${i.message}`);
    return undecodable(record, issues.join('; '));
  }
  const h = parsed.data;
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
  const envelope: TaskEnvelope = {
    taskId: h[TASK_HEADERS.taskId],
    type: h[TASK_HEADERS.taskType],
    queue: h[TASK_HEADERS.queue],
    priority: h[TASK_HEADERS.priority],
    attempt: h[TASK_HEADERS.attempt],
    createdAt: h[TASK_HEADERS.createdAt],
    payload,
    ...defined({
      tenant: h[TASK_HEADERS.tenant],
      orderingKey: h[TASK_HEADERS.orderingKey],
      notBefore: h[TASK_HEADERS.notBefore],
      firstFailureAt: h[TASK_HEADERS.firstFailureAt],
      lastFailureAt: h[TASK_HEADERS.lastFailureAt],
      timeoutMs: h[TASK_HEADERS.timeoutMs],
      retryPolicy,
      origin: h[TASK_HEADERS.origin],
      traceparent: h[TASK_HEADERS.traceparent],
      tracestate: h[TASK_HEADERS.tracestate],
      batch: batch.value,
      updatedAt: h[TASK_HEADERS.updatedAt],
      createdBy: h[TASK_HEADERS.createdBy],
      tags: tags.value,
    }),
  };
  return { ok: true, envelope };
}

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

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Bytes a record occupies on the wire, approximately (key + value + headers); for size limits. */
export function recordSizeBytes(record: OutgoingRecord): number {
  const size = (v: string | Buffer | null | undefined) => (v == null ? 0 : Buffer.byteLength(v));
  let total = size(record.key) + size(record.value);
  for (const [name, value] of Object.entries(record.headers ?? {})) total += Buffer.byteLength(name) + size(value);
  return total;
}
