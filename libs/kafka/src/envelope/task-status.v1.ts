import { z } from 'zod';
import { BatchProgressSchema, TaskExecutionResultSchema, TaskSchema, TaskStatus, type TaskExecutionResult } from '@switchyard/protocol';
import type { IncomingRecord, OutgoingRecord } from '../client/kafka-client.port.js';
import { decodeJsonValue } from './json-value.js';

/** Value of the `format` field of a status record. */
export const TASK_STATUS_V1 = 'task-status.v1';

/**
 * The latest status of a task, as kept in the compacted `tasks.<queue>.status` topic keyed by
 * task id. `result` is the protocol's TaskExecutionResult of the attempt that produced it.
 */
export const TaskStatusRecordSchema = z.object({
  format: z.literal(TASK_STATUS_V1),
  taskId: z.string().min(1),
  queue: z.string().min(1),
  type: z.string().min(1),
  tenant: z.string().optional(),
  status: TaskStatus,
  /** Attempts made so far. */
  attempt: z.number().int().min(0),
  updatedAt: z.iso.datetime({ offset: true }),
  /** When the next attempt may start (retries, scheduledAt). */
  nextAttemptAt: z.iso.datetime({ offset: true }).optional(),
  result: TaskExecutionResultSchema.optional(),
  /** The task's metadata (createdAt, updatedAt, createdBy, tags), as it travels in its headers. */
  metadata: TaskSchema.shape.metadata,
  /** Progress of a BatchTask, updated after each chunk. */
  progress: BatchProgressSchema.optional(),
});

export type TaskStatusRecord = z.infer<typeof TaskStatusRecordSchema>;

/** Encodes a status record (key: task id). */
export function encodeTaskStatus(status: Omit<TaskStatusRecord, 'format'> & { result?: TaskExecutionResult }): OutgoingRecord {
  return { key: status.taskId, value: JSON.stringify({ format: TASK_STATUS_V1, ...status }) };
}

/** Decodes a status record; undefined for tombstones and records of another format. */
export function decodeTaskStatus(record: Pick<IncomingRecord, 'value'>): TaskStatusRecord | undefined {
  return decodeJsonValue(record, TaskStatusRecordSchema);
}
