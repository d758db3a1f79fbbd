/** Where a dead letter goes back to, and the records that carry it there. Pure: no I/O. */
import { TaskPriority } from '@switchyard/protocol';
import {
  decodeTaskEnvelope,
  encodeTaskStatus,
  laneTopic,
  originalHeaders,
  parseTaskTopic,
  taskMetadataOf,
  taskStatusTopic,
  TASK_HEADERS,
  type OutgoingRecord,
  type TopicRecords,
} from '@switchyard/kafka';
import { coordinates, type DlqEntry } from './dlq-entry.js';

/** Headers that describe the failed run; a redriven task starts fresh without them. */
const FAILURE_HEADERS: readonly string[] = [TASK_HEADERS.firstFailureAt, TASK_HEADERS.lastFailureAt, TASK_HEADERS.parkedBehind];

/**
 * The lane a dead letter goes back to: `tasks.<queue>.<sy-priority>`; without a valid priority
 * header (an undecodable record), the lane it came from; else the normal lane.
 */
export function redriveLane(entry: DlqEntry, queue: string): string {
  const priority = TaskPriority.safeParse(entry.record.headers[TASK_HEADERS.priority]?.toString('utf8'));
  if (priority.success) return laneTopic(queue, priority.data);
  const origin = entry.info ? parseTaskTopic(entry.info.origin.topic) : undefined;
  if (origin?.kind === 'lane' && origin.queue === queue) return laneTopic(queue, origin.lane);
  return laneTopic(queue, 'normal');
}

/**
 * The redriven record: the original key, value and headers (`sy-dlq-*` removed), with
 * `sy-attempt` reset to 0 (when the record had one), the failure-time headers removed and
 * `sy-origin` = the DLQ coordinates.
 */
export function redriveRecord(entry: DlqEntry): OutgoingRecord {
  const headers: Record<string, Buffer | string> = { ...originalHeaders(entry.record) };
  for (const name of FAILURE_HEADERS) delete headers[name];
  if (headers[TASK_HEADERS.attempt] !== undefined) headers[TASK_HEADERS.attempt] = '0';
  headers[TASK_HEADERS.origin] = `${entry.record.topic}/${coordinates(entry)}`;
  return { key: entry.record.key, value: entry.record.value, headers };
}

/**
 * What one entry's redrive writes: the record to its lane and, for a decodable task, a `queued`
 * status record (so `tasks status` no longer says `dead`).
 */
export function redriveWrites(entry: DlqEntry, queue: string, nowIso: string): TopicRecords[] {
  const topic = redriveLane(entry, queue);
  const record = redriveRecord(entry);
  const writes: TopicRecords[] = [{ topic, records: [record] }];
  const decoded = decodeTaskEnvelope({ ...entry.record, topic, headers: toBuffers(record.headers ?? {}) });
  if (decoded.ok) {
    const { envelope } = decoded;
    const status = encodeTaskStatus({
      taskId: envelope.taskId,
      queue,
      type: envelope.type,
      status: 'queued',
      attempt: 0,
      updatedAt: nowIso,
      metadata: taskMetadataOf(envelope),
      ...(envelope.tenant ? { tenant: envelope.tenant } : {}),
    });
    writes.push({ topic: taskStatusTopic(queue), records: [status] });
  }
  return writes;
}

function toBuffers(headers: Readonly<Record<string, Buffer | string>>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.isBuffer(value) ? value : Buffer.from(value)]));
}
