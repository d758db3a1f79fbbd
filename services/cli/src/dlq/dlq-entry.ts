/** One record of `tasks.<queue>.dlq` as the `dlq` commands see it. Pure: no I/O. */
import { decodeDeadLetter, TASK_HEADERS, type DeadLetterInfo, type IncomingRecord } from '@switchyard/kafka';

/** What happened to an entry since it died (recorded in the marker topic, see redrive-markers.ts). */
export type DlqEntryState = 'dead' | 'redriven' | 'purged';

export interface DlqEntry {
  readonly record: IncomingRecord;
  /** The `sy-dlq-*` part; undefined when the record is not a dead-letter.v1 record. */
  readonly info: DeadLetterInfo | undefined;
  readonly taskId?: string;
  readonly taskType?: string;
  readonly tenant?: string;
  /** When it died (sy-dlq-dead-at, else the record timestamp), ms since epoch. */
  readonly deadAtMs: number;
  readonly state: DlqEntryState;
}

/** Filters of `dlq list`, `redrive` and `purge`; every field set must match. */
export interface DlqFilter {
  readonly code?: string;
  readonly type?: string;
  readonly tenant?: string;
  /** Dead at or after (ms since epoch). */
  readonly since?: number;
  /** Dead before (ms since epoch). */
  readonly until?: number;
}

function header(record: IncomingRecord, name: string): string | undefined {
  return record.headers[name]?.toString('utf8');
}

/** The entry of a DLQ record. */
export function toDlqEntry(record: IncomingRecord, state: DlqEntryState = 'dead'): DlqEntry {
  const info = decodeDeadLetter(record);
  const deadAt = info?.deadAt ? Date.parse(info.deadAt) : Number.NaN;
  const taskId = header(record, TASK_HEADERS.taskId);
  const taskType = header(record, TASK_HEADERS.taskType);
  const tenant = header(record, TASK_HEADERS.tenant);
  return {
    record,
    info,
    ...(taskId !== undefined ? { taskId } : {}),
    ...(taskType !== undefined ? { taskType } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    deadAtMs: Number.isNaN(deadAt) ? Number(record.timestamp) : deadAt,
    state,
  };
}

/** True when `entry` matches every field of `filter`. */
export function matchesFilter(entry: DlqEntry, filter: DlqFilter): boolean {
  if (filter.code !== undefined && entry.info?.code !== filter.code) return false;
  if (filter.type !== undefined && entry.taskType !== filter.type) return false;
  if (filter.tenant !== undefined && entry.tenant !== filter.tenant) return false;
  if (filter.since !== undefined && entry.deadAtMs < filter.since) return false;
  if (filter.until !== undefined && entry.deadAtMs >= filter.until) return false;
  return true;
}

/** Oldest death first; ties by partition and offset. */
export function byDeathTime(a: DlqEntry, b: DlqEntry): number {
  return a.deadAtMs - b.deadAtMs || a.record.partition - b.record.partition || Number(BigInt(a.record.offset) - BigInt(b.record.offset));
}

/** `<partition>/<offset>`: where the entry is in its DLQ topic. */
export function coordinates(entry: Pick<DlqEntry, 'record'>): string {
  return `${entry.record.partition}/${entry.record.offset}`;
}

/**
 * JSON of an entry: the protocol's DeadLetterQueueEntry fields that apply to a task (`id` is the
 * task id, or `<partition>/<offset>` for a record without one; `retries` is the attempts made),
 * plus where it is and what it is.
 */
export function entryJson(entry: DlqEntry) {
  const info = entry.info;
  return {
    id: entry.taskId ?? coordinates(entry),
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
    taskType: entry.taskType ?? null,
    tenant: entry.tenant ?? null,
    state: entry.state,
  };
}

export type DlqEntryJson = ReturnType<typeof entryJson>;
