/**
 * What a stream pushes, decoded once per Kafka record whatever the number of clients: a task's
 * new status (from `tasks.<queue>.status`) or an event (CloudEvents binary-mode record of
 * `events.<domain>[.<lane>]`), with the tenant and user it belongs to for scoping.
 */
import { decodeEventRecord, decodeTaskStatus, JSON_CONTENT_TYPE, parseEventTopic, type IncomingRecord, type TaskStatusRecord } from '@switchyard/kafka';

/** A task's status changed (queued, processing, retry, completed, dead, ...). */
export interface TaskStatusMessage {
  readonly type: 'task.status';
  readonly tenant: string | undefined;
  /** `metadata.createdBy` of the task: the credential that created it. */
  readonly user: string | undefined;
  readonly taskId: string;
  readonly data: TaskStatusRecord;
}

/** An event as its CloudEvents attributes and data (JSON when its content type is JSON, else base64). */
export interface EventMessage {
  readonly type: 'event';
  readonly tenant: string | undefined;
  /** `metadata.userId` of the event. */
  readonly user: string | undefined;
  readonly name: string;
  readonly data: {
    readonly id: string;
    readonly name: string;
    readonly source: string;
    readonly time: string;
    readonly priority: string;
    readonly tenantId?: string;
    readonly userId?: string;
    readonly correlationId?: string;
    readonly causationId?: string;
    readonly payload: unknown;
    /** Set when the payload is not plain JSON (e.g. the schema registry's wire format): `payload` is then base64. */
    readonly contentType?: string;
  };
}

export type StreamMessage = TaskStatusMessage | EventMessage;

/** The record as a stream message; undefined for tombstones and records that are neither (they still move the cursor). */
export function decodeStreamMessage(record: IncomingRecord): StreamMessage | undefined {
  if (parseEventTopic(record.topic)) return decodeEvent(record);
  const status = decodeTaskStatus(record);
  if (!status) return undefined;
  return { type: 'task.status', tenant: status.tenant, user: status.metadata?.createdBy, taskId: status.taskId, data: status };
}

function decodeEvent(record: IncomingRecord): EventMessage | undefined {
  const decoded = decodeEventRecord(record);
  if (!decoded.ok) return undefined;
  const a = decoded.attributes;
  const json = a.contentType === JSON_CONTENT_TYPE;
  let payload: unknown = null;
  if (decoded.data) {
    try {
      payload = json ? JSON.parse(decoded.data.toString('utf8')) : decoded.data.toString('base64');
    } catch {
      payload = decoded.data.toString('base64');
    }
  }
  const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));
  return {
    type: 'event',
    tenant: a.tenantId,
    user: a.userId,
    name: a.name,
    data: {
      id: a.id,
      name: a.name,
      source: a.source,
      time: a.timestamp,
      priority: a.priority,
      ...optional('tenantId', a.tenantId),
      ...optional('userId', a.userId),
      ...optional('correlationId', a.correlationId),
      ...optional('causationId', a.causationId),
      payload,
      ...(json ? {} : { contentType: a.contentType }),
    },
  };
}
