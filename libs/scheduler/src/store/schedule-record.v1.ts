import { z } from 'zod';
import type { IncomingRecord, OutgoingRecord } from '@switchyard/kafka';
import { ScheduledJobSchema, type ScheduledJob } from '../job/scheduled-job.schema.js';

/**
 * Records of a scheduler's compacted jobs topic (`switchyard.scheduler.<name>.jobs`). Three kinds
 * share it so that one partition holds everything its owner needs, in one log:
 *
 * | key              | value                 | written by                                   |
 * |------------------|-----------------------|----------------------------------------------|
 * | `<jobId>`        | schedule-job.v1       | the JobStore (create/update/pause/resume); null = deleted |
 * | `tick/<jobId>`   | schedule-tick.v1      | the partition owner, in the firing transaction |
 * | `barrier/<p>`    | schedule-barrier.v1   | a new owner, to know when it has read partition p to its end |
 *
 * Tick and barrier records carry an explicit partition: the one the job id (or p) maps to.
 */
export const SCHEDULE_JOB_V1 = 'schedule-job.v1';
export const SCHEDULE_TICK_V1 = 'schedule-tick.v1';
export const SCHEDULE_BARRIER_V1 = 'schedule-barrier.v1';

const StoredJobSchema = z.object({
  format: z.literal(SCHEDULE_JOB_V1),
  job: ScheduledJobSchema,
  /** When the job was first created: the anchor of interval schedules. */
  createdAt: z.iso.datetime({ offset: true }),
  /** Last create/update/pause/resume: ticks at or before it never fire (no catch-up of a pause). */
  updatedAt: z.iso.datetime({ offset: true }),
});

const TickStateSchema = z.object({
  format: z.literal(SCHEDULE_TICK_V1),
  jobId: z.string(),
  /** The newest tick handled (fired or skipped as a misfire), ms since epoch. */
  lastTick: z.number().int(),
  firedAt: z.iso.datetime({ offset: true }),
});

const BarrierSchema = z.object({ format: z.literal(SCHEDULE_BARRIER_V1), nonce: z.string() });

/** A job as stored. */
export type StoredJob = z.infer<typeof StoredJobSchema>;
/** A job's last handled tick. */
export type TickState = z.infer<typeof TickStateSchema>;

/** A decoded record of the jobs topic. */
export type ScheduleRecord =
  | { readonly kind: 'job'; readonly jobId: string; readonly stored: StoredJob }
  | { readonly kind: 'job-deleted'; readonly jobId: string }
  | { readonly kind: 'tick'; readonly jobId: string; readonly state: TickState }
  | { readonly kind: 'barrier'; readonly nonce: string };

const TICK_PREFIX = 'tick/';
const BARRIER_PREFIX = 'barrier/';

export function encodeStoredJob(job: ScheduledJob, createdAt: string, updatedAt: string): OutgoingRecord {
  return { key: job.id, value: JSON.stringify({ format: SCHEDULE_JOB_V1, job, createdAt, updatedAt }) };
}

export function encodeJobDeletion(jobId: string): OutgoingRecord {
  return { key: jobId, value: null };
}

export function encodeTickState(jobId: string, lastTick: number, firedAt: string, partition: number): OutgoingRecord {
  return { key: `${TICK_PREFIX}${jobId}`, partition, value: JSON.stringify({ format: SCHEDULE_TICK_V1, jobId, lastTick, firedAt }) };
}

export function encodeBarrier(nonce: string, partition: number): OutgoingRecord {
  return { key: `${BARRIER_PREFIX}${partition}`, partition, value: JSON.stringify({ format: SCHEDULE_BARRIER_V1, nonce }) };
}

/** Decodes a jobs-topic record; undefined for anything unreadable (logged by the caller, never fatal). */
export function decodeScheduleRecord(record: Pick<IncomingRecord, 'key' | 'value'>): ScheduleRecord | undefined {
  const key = record.key?.toString('utf8');
  if (!key) return undefined;
  if (record.value === null) return key.includes('/') ? undefined : { kind: 'job-deleted', jobId: key };
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (key.startsWith(TICK_PREFIX)) {
    const parsed = TickStateSchema.safeParse(value);
    return parsed.success ? { kind: 'tick', jobId: parsed.data.jobId, state: parsed.data } : undefined;
  }
  if (key.startsWith(BARRIER_PREFIX)) {
    const parsed = BarrierSchema.safeParse(value);
    return parsed.success ? { kind: 'barrier', nonce: parsed.data.nonce } : undefined;
  }
  const parsed = StoredJobSchema.safeParse(value);
  return parsed.success ? { kind: 'job', jobId: key, stored: parsed.data } : undefined;
}
