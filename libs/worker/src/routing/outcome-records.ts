import { type BatchProgress, type TaskExecutionResult, type TaskStatus } from '@switchyard/protocol';
import {
  encodeDeadLetter,
  encodeTaskEnvelope,
  encodeTaskStatus,
  taskMetadataOf,
  retryTopic,
  taskStatusTopic,
  TASK_HEADERS,
  type IncomingRecord,
  type OutgoingRecord,
  type RetryTier,
  type TaskEnvelope,
} from '@switchyard/kafka';
import type { ErrorInfo } from '@switchyard/pipeline';

export interface RoutedRecord {
  readonly topic: string;
  readonly record: OutgoingRecord;
}

export function originOf(record: IncomingRecord): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

/** The status record of a task after an attempt (or a park/queue event). */
export function statusRecord(envelope: TaskEnvelope, status: TaskStatus, attempt: number, nowIso: string, extra: { result?: TaskExecutionResult; nextAttemptAt?: string; progress?: BatchProgress } = {}): RoutedRecord {
  return {
    topic: taskStatusTopic(envelope.queue),
    record: encodeTaskStatus({
      taskId: envelope.taskId,
      queue: envelope.queue,
      type: envelope.type,
      status,
      attempt,
      updatedAt: nowIso,
      metadata: taskMetadataOf(envelope),
      ...(envelope.tenant ? { tenant: envelope.tenant } : {}),
      ...extra,
      ...(extra.result ? { result: serializableResult(extra.result) } : {}),
    }),
  };
}

/** Largest handler result kept in a status record (bytes of JSON); larger ones are noted, not stored. */
export const MAX_RESULT_BYTES = 64 * 1024;

/**
 * A handler may return something JSON cannot hold (BigInt, a cycle): the status record then
 * carries a note instead of the value, and the task's outcome stands.
 */
function serializableResult(result: TaskExecutionResult): TaskExecutionResult {
  if (result.result === undefined) return result;
  try {
    const bytes = Buffer.byteLength(JSON.stringify(result.result) ?? '');
    // A status record must fit a partition's max.message.bytes with room to spare.
    if (bytes > MAX_RESULT_BYTES) return { ...result, result: { truncated: true, bytes, limit: MAX_RESULT_BYTES } };
    return result;
  } catch (error) {
    return { ...result, result: { unserializable: true, reason: error instanceof Error ? error.message : String(error) } };
  }
}

/** The task moved to a retry tier for its next attempt (attempt counter already advanced). */
export function retryRecord(envelope: TaskEnvelope, source: IncomingRecord, tier: RetryTier, notBeforeIso: string, nowIso: string): RoutedRecord {
  return {
    topic: retryTopic(envelope.queue, tier),
    record: encodeTaskEnvelope({
      ...envelope,
      attempt: envelope.attempt + 1,
      notBefore: notBeforeIso,
      firstFailureAt: envelope.firstFailureAt ?? nowIso,
      lastFailureAt: nowIso,
      origin: originOf(source),
    }),
  };
}

/** A not-yet-due task moved to the delay tier of its remaining wait; attempts unchanged. */
export function moveRecord(envelope: TaskEnvelope, source: IncomingRecord, tier: RetryTier): RoutedRecord {
  return {
    topic: retryTopic(envelope.queue, tier),
    record: encodeTaskEnvelope({ ...envelope, origin: envelope.origin ?? originOf(source) }),
  };
}

/** A later task of a blocked key, parked in a delay tier behind the key's head (not an attempt). */
export function parkRecord(envelope: TaskEnvelope, source: IncomingRecord, tier: RetryTier, notBeforeIso: string, blockerId: string): RoutedRecord {
  const { topic, record } = moveRecord({ ...envelope, notBefore: notBeforeIso }, source, tier);
  return { topic, record: { ...record, headers: { ...record.headers, [TASK_HEADERS.parkedBehind]: blockerId } } };
}

/**
 * A dead letter, to the queue's DLQ topic (`queueDlqTopic`: named or `tasks.<queue>.dlq`): the
 * source record byte for byte (its `sy-*` headers, task metadata included) plus why it died.
 */
export function deadLetterRecord(dlqTopic: string, source: IncomingRecord, error: ErrorInfo, attempts: number, firstFailedAt: string, nowIso: string, failedHandler?: string): RoutedRecord {
  return {
    topic: dlqTopic,
    record: encodeDeadLetter(source, {
      code: error.code,
      error: { message: error.message, code: error.code, ...(error.stack ? { stack: error.stack } : {}) },
      origin: { topic: source.topic, partition: source.partition, offset: source.offset },
      attempts,
      firstFailedAt,
      lastFailedAt: nowIso,
      deadAt: nowIso,
      ...(failedHandler ? { failedHandler } : {}),
    }),
  };
}
