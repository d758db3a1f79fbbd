import { z } from 'zod';
import { BatchProgressSchema, JobExecutionSchema, type BatchProgress, type JobExecution, type JobExecutionStatus } from '@switchyard/protocol';
import { decodeJsonValue } from '@switchyard/kafka';
import type { IncomingRecord, OutgoingRecord, TaskStatusRecord } from '@switchyard/kafka';

/** Value of the `format` field of a job-log record. */
export const JOB_EXECUTION_V1 = 'job-execution.v1';

/** How an execution was started. */
export const JobTrigger = z.enum(['schedule', 'misfire', 'manual']);
export type JobTrigger = z.infer<typeof JobTrigger>;

/**
 * One status change of one execution, as kept in `switchyard.scheduler.<name>.log` keyed by job
 * id: the protocol's JobExecution plus which execution (the fired task's id or the event's id),
 * the tick and where it went. The scheduler writes `running` in the firing transaction; the
 * status follower writes the outcome it reads from the queue's status topic.
 */
const JobLogRecordSchema = z.object({
  format: z.literal(JOB_EXECUTION_V1),
  executionId: z.string(),
  tick: z.iso.datetime({ offset: true }).optional(),
  trigger: JobTrigger.optional(),
  queue: z.string().optional(),
  execution: JobExecutionSchema.partial({ startedAt: true }),
  progress: BatchProgressSchema.optional(),
});

export type JobLogRecord = z.infer<typeof JobLogRecordSchema>;

/** One execution of a job, folded from its log records. */
export interface JobLogEntry extends JobExecution {
  readonly executionId: string;
  readonly tick?: string;
  readonly trigger?: JobTrigger;
  readonly queue?: string;
  /** Progress of a fired BatchTask, from its latest status. */
  readonly progress?: BatchProgress;
}

export function encodeJobLogRecord(record: Omit<JobLogRecord, 'format'>): OutgoingRecord {
  return { key: record.execution.jobId, value: JSON.stringify({ format: JOB_EXECUTION_V1, ...record }) };
}

export function decodeJobLogRecord(record: Pick<IncomingRecord, 'value'>): JobLogRecord | undefined {
  return decodeJsonValue(record, JobLogRecordSchema);
}

const TERMINAL = new Set(['success', 'failed', 'timeout']);

/**
 * Folds log records (in log order) into one entry per execution: the first record gives the
 * start, a terminal status is never replaced by a later `running` (progress) record, and the
 * duration is completedAt - startedAt. Newest execution first.
 */
export function foldJobLog(records: readonly JobLogRecord[]): JobLogEntry[] {
  const byId = new Map<string, JobLogEntry>();
  for (const r of records) {
    const prev = byId.get(r.executionId);
    const keepStatus = prev && TERMINAL.has(prev.status) && !TERMINAL.has(r.execution.status);
    const startedAt = prev?.startedAt ?? r.execution.startedAt ?? r.execution.completedAt ?? new Date(0).toISOString();
    const next: JobLogEntry = {
      ...prev,
      executionId: r.executionId,
      jobId: r.execution.jobId,
      startedAt,
      status: keepStatus ? prev.status : r.execution.status,
      ...(r.tick ? { tick: r.tick } : {}),
      ...(r.trigger ? { trigger: r.trigger } : {}),
      ...(r.queue ? { queue: r.queue } : {}),
      ...(r.progress ? { progress: r.progress } : {}),
      ...(!keepStatus && r.execution.error ? { error: r.execution.error } : {}),
      ...(!keepStatus && r.execution.completedAt ? { completedAt: r.execution.completedAt, duration: Math.max(0, Date.parse(r.execution.completedAt) - Date.parse(startedAt)) } : {}),
    };
    byId.set(r.executionId, next);
  }
  return [...byId.values()].sort((a, b) => Date.parse(b.tick ?? b.startedAt) - Date.parse(a.tick ?? a.startedAt));
}

/** The job-log status of a task status: undefined while the task is not finished. */
export function outcomeOf(status: string, errorCode: string | undefined): JobExecutionStatus | undefined {
  switch (status) {
    case 'completed':
      return 'success';
    case 'dead':
      return errorCode === 'SY_TASK_TIMEOUT' ? 'timeout' : 'failed';
    case 'cancelled':
      return 'failed';
    default:
      return undefined;
  }
}

/** The error text of a task status, for the job log. */
export function statusError(status: TaskStatusRecord): string | undefined {
  if (status.result?.error) return `${status.result.error.code ?? 'error'}: ${status.result.error.message}`;
  return status.status === 'cancelled' ? 'cancelled' : undefined;
}

/**
 * A still-running entry updated from its task's latest status record (the worker's status topic):
 * the outcome once the task finished, and batch progress.
 */
export function withTaskStatus(entry: JobLogEntry, status: TaskStatusRecord): JobLogEntry {
  if (TERMINAL.has(entry.status)) return entry;
  const outcome = outcomeOf(status.status, status.result?.error?.code);
  const error = outcome && outcome !== 'success' ? statusError(status) : undefined;
  return {
    ...entry,
    ...(status.progress ? { progress: status.progress } : {}),
    ...(outcome ? { status: outcome, completedAt: status.updatedAt, duration: Math.max(0, Date.parse(status.updatedAt) - Date.parse(entry.startedAt)) } : {}),
    ...(error ? { error } : {}),
  };
}
