/**
 * One dead letter as the `dlq` commands see it: a record of a queue's `tasks.<queue>.dlq` or of a
 * subscription's `events.<domain>.dlq.<subscription>`. Both are `dead-letter.v1` records; what
 * differs is where the id, type and tenant are (task headers or CloudEvents headers). Pure: no I/O.
 */
import { CLOUDEVENT_HEADERS, decodeDeadLetter, decodeEventRecord, decodeTaskEnvelope, taskMetadataOf, TASK_HEADERS, type DeadLetterInfo, type IncomingRecord } from '@switchyard/kafka';
import { globToRegExp } from '../replay/record-filter.js';
import { domainOf } from '../subscription/subscription-topics.js';

/** Whose dead letters: a task queue's or an event-bus subscription's. */
export type DlqKind = 'queue' | 'subscription';

/** What happened to an entry since it died (recorded in the marker topic, see redrive-markers.ts). */
export type DlqEntryState = 'dead' | 'redriven' | 'purged';

export interface DlqEntry {
  readonly kind: DlqKind;
  readonly record: IncomingRecord;
  /** The `sy-dlq-*` part; undefined when the record is not a dead-letter.v1 record. */
  readonly info: DeadLetterInfo | undefined;
  /** Task id (`sy-task-id`) or event id (`ce_id`). */
  readonly id?: string;
  /** Task type (`sy-task-type`) or event type (`ce_type`). */
  readonly type?: string;
  /** `sy-tenant` or `ce_tenantid`. */
  readonly tenant?: string;
  /** When it died (sy-dlq-dead-at, else the record timestamp), ms since epoch. */
  readonly deadAtMs: number;
  readonly state: DlqEntryState;
}

/** Filters of `dlq list`, `redrive` and `purge`; every field set must match. */
export interface DlqFilter {
  readonly code?: string;
  /** Task or event type; `*` matches any run of characters (`user.*`). */
  readonly type?: string;
  readonly tenant?: string;
  /** The failed handler (`sy-dlq-handler`). */
  readonly handler?: string;
  /** Dead at or after (ms since epoch). */
  readonly since?: number;
  /** Dead before (ms since epoch). */
  readonly until?: number;
  /** Only these task ids (`sy-task-id`) or event ids (`ce_id`); each death of one is an entry. */
  readonly ids?: readonly string[];
  /** Only the entries at these coordinates of the DLQ topic(s); `topic` tells a subscription's domains apart. */
  readonly coordinates?: readonly { readonly partition: number; readonly offset: string; readonly topic?: string }[];
}

/** Headers holding the id, type and tenant, per kind. */
const IDENTITY_HEADERS: Readonly<Record<DlqKind, { readonly id: string; readonly type: string; readonly tenant: string }>> = {
  queue: { id: TASK_HEADERS.taskId, type: TASK_HEADERS.taskType, tenant: TASK_HEADERS.tenant },
  subscription: { id: CLOUDEVENT_HEADERS.id, type: CLOUDEVENT_HEADERS.type, tenant: CLOUDEVENT_HEADERS.tenantid },
};

function header(record: IncomingRecord, name: string): string | undefined {
  return record.headers[name]?.toString('utf8');
}

/** The entry of a DLQ record of a queue (default) or a subscription. */
export function toDlqEntry(record: IncomingRecord, state: DlqEntryState = 'dead', kind: DlqKind = 'queue'): DlqEntry {
  const info = decodeDeadLetter(record);
  const deadAt = info?.deadAt ? Date.parse(info.deadAt) : Number.NaN;
  const names = IDENTITY_HEADERS[kind];
  const id = header(record, names.id);
  const type = header(record, names.type);
  const tenant = header(record, names.tenant);
  return {
    kind,
    record,
    info,
    ...(id !== undefined ? { id } : {}),
    ...(type !== undefined ? { type } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    deadAtMs: Number.isNaN(deadAt) ? Number(record.timestamp) : deadAt,
    state,
  };
}

/** The predicate of a filter (the type pattern compiled once). */
export function entryFilter(filter: DlqFilter): (entry: DlqEntry) => boolean {
  const type = filter.type === undefined ? undefined : globToRegExp(filter.type);
  const ids = filter.ids === undefined ? undefined : new Set(filter.ids);
  return (entry) => {
    if (ids !== undefined && (entry.id === undefined || !ids.has(entry.id))) return false;
    if (filter.coordinates !== undefined && !filter.coordinates.some((c) => c.partition === entry.record.partition && c.offset === entry.record.offset && (c.topic === undefined || c.topic === entry.record.topic))) return false;
    if (filter.code !== undefined && entry.info?.code !== filter.code) return false;
    if (type !== undefined && (entry.type === undefined || !type.test(entry.type))) return false;
    if (filter.tenant !== undefined && entry.tenant !== filter.tenant) return false;
    if (filter.handler !== undefined && entry.info?.failedHandler !== filter.handler) return false;
    if (filter.since !== undefined && entry.deadAtMs < filter.since) return false;
    if (filter.until !== undefined && entry.deadAtMs >= filter.until) return false;
    return true;
  };
}

/** True when `entry` matches every field of `filter`. */
export function matchesFilter(entry: DlqEntry, filter: DlqFilter): boolean {
  return entryFilter(filter)(entry);
}

/** Oldest death first; ties by topic, partition and offset. */
export function byDeathTime(a: DlqEntry, b: DlqEntry): number {
  return (
    a.deadAtMs - b.deadAtMs ||
    (a.record.topic < b.record.topic ? -1 : a.record.topic > b.record.topic ? 1 : 0) ||
    a.record.partition - b.record.partition ||
    Number(BigInt(a.record.offset) - BigInt(b.record.offset))
  );
}

/** `<partition>/<offset>`: where the entry is in its DLQ topic. */
export function coordinates(entry: Pick<DlqEntry, 'record'>): string {
  return `${entry.record.partition}/${entry.record.offset}`;
}

/** The fields every entry has, whatever its kind. */
function commonJson(entry: DlqEntry) {
  const info = entry.info;
  return {
    id: entry.id ?? coordinates(entry),
    error: info ? { message: info.error.message, ...(info.error.stack ? { stack: info.error.stack } : {}), code: info.error.code ?? info.code } : { message: 'not a dead-letter.v1 record' },
    retries: info?.attempts ?? 0,
    firstFailedAt: info?.firstFailedAt ?? '',
    lastFailedAt: info?.lastFailedAt ?? '',
    ...(info?.failedHandler ? { failedHandler: info.failedHandler } : {}),
    code: info?.code ?? null,
    deadAt: new Date(entry.deadAtMs).toISOString(),
    origin: info && info.origin.partition >= 0 ? `${info.origin.topic}/${info.origin.partition}/${info.origin.offset}` : null,
    topic: entry.record.topic,
    partition: entry.record.partition,
    offset: entry.record.offset,
  };
}

/** The protocol's Event of a CloudEvents record, without its payload; undefined when it is not one. */
function eventOf(entry: DlqEntry) {
  const decoded = decodeEventRecord(entry.record);
  if (!decoded.ok) return undefined;
  const { id, name, source, timestamp, priority, tenantId, userId, correlationId, causationId } = decoded.attributes;
  const optional = (key: string, value: string | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    id,
    name,
    metadata: { source, timestamp, priority, ...optional('tenantId', tenantId), ...optional('userId', userId), ...optional('correlationId', correlationId), ...optional('causationId', causationId) },
  };
}

/** The protocol's Task.metadata of a queue's dead letter (createdAt, updatedAt, createdBy, tags); undefined for an undecodable record. */
export function taskMetadataOfEntry(entry: Pick<DlqEntry, 'record'>) {
  const decoded = decodeTaskEnvelope(entry.record);
  return decoded.ok ? taskMetadataOf(decoded.envelope) : undefined;
}

/**
 * JSON of an entry: the protocol's DeadLetterQueueEntry fields (`id` is the task or event id, or
 * `<partition>/<offset>` for a record without one; `retries` is the attempts made), plus where it
 * is and what it is. A queue's entry has `taskType` and the task's `metadata` (Task.metadata); a subscription's has `eventType`, `domain`
 * and `event` (id, name and metadata of the CloudEvent; the payload is in `dlq show`).
 */
export function entryJson(entry: DlqEntry) {
  const common = commonJson(entry);
  if (entry.kind === 'queue') {
    const metadata = taskMetadataOfEntry(entry);
    return { ...common, taskType: entry.type ?? null, tenant: entry.tenant ?? null, ...(metadata ? { metadata } : {}), state: entry.state };
  }
  const event = eventOf(entry);
  return { ...common, eventType: entry.type ?? null, tenant: entry.tenant ?? null, domain: domainOf(entry.record.topic) ?? null, ...(event ? { event } : {}), state: entry.state };
}

export type DlqEntryJson = ReturnType<typeof entryJson>;
