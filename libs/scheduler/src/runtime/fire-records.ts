import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '@switchyard/events';
import { encodeTaskEnvelope, encodeTaskStatus, laneTopic, SCHEDULER_HEADERS, taskStatusTopic, type OutgoingRecord, type TaskEnvelope } from '@switchyard/kafka';
import { SwitchyardError, type JobRetryPolicy, type TaskRetryPolicy } from '@switchyard/protocol';
import type { ScheduledJob } from '../job/scheduled-job.schema.js';
import { encodeJobLogRecord, type JobTrigger } from '../log/job-execution.v1.js';

/** A record and the topic it goes to. */
export interface RoutedRecord {
  readonly topic: string;
  readonly record: OutgoingRecord;
}

/** What firing one tick writes (inside the owner's transaction). */
export interface FiredRecords {
  readonly executionId: string;
  /** The task (and its `queued` status) or the event. */
  readonly records: readonly RoutedRecord[];
  /** The job-log record of the execution (for the scheduler's log topic). */
  readonly log: OutgoingRecord;
}

/** Prepares events for a transaction of someone else (the EventPublisher's `prepare`/`ensureDomains`). */
export type EventPreparer = Pick<EventPublisher, 'prepare' | 'ensureDomains'>;

/**
 * The id of the task (or event) fired for a tick: `job.<jobId>.<tick ms>`, the same in every
 * process, so a tick's execution has one id whoever fires it. Manual runs get a unique suffix.
 */
export function executionIdFor(jobId: string, tick: number, trigger: JobTrigger): string {
  return trigger === 'manual' ? `job.${jobId}.manual-${tick}-${randomUUID().slice(0, 8)}` : `job.${jobId}.${tick}`;
}

/** Parses an execution id back: the job id, or undefined for ids the scheduler did not make. */
export function jobIdOfExecution(executionId: string): string | undefined {
  const parts = executionId.split('.');
  return parts.length === 3 && parts[0] === 'job' && parts[1] ? parts[1] : undefined;
}

/** The job's retry policy (spec 2b) as the task retry policy the worker applies. */
function taskRetryPolicy(policy: JobRetryPolicy): TaskRetryPolicy {
  return { maxRetries: policy.maxRetries, backoffStrategy: 'exponential', initialDelayMs: policy.backoffMs, backoffMultiplier: policy.backoffMultiplier, maxDelayMs: 3_600_000 };
}

/**
 * The records of one firing: the task (lane topic, with its `queued` status) or the event, and
 * the job-log record (`running` for a task, `success` for a published event).
 */
export async function fireRecords(job: ScheduledJob, tick: number, trigger: JobTrigger, firedAt: string, events?: EventPreparer): Promise<FiredRecords> {
  const executionId = executionIdFor(job.id, tick, trigger);
  const tickIso = new Date(tick).toISOString();
  const headers = { [SCHEDULER_HEADERS.jobId]: job.id, [SCHEDULER_HEADERS.tick]: tickIso, [SCHEDULER_HEADERS.trigger]: trigger };
  const target = job.target;
  if (target.kind === 'event') {
    if (!events) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Job ${job.id} fires the event ${target.name}, but this scheduler has no event publisher.`, {
        hint: 'Pass SchedulerDeps.events (an EventPublisher of @switchyard/events) to the Scheduler (and to the JobStore for run-now).',
      });
    }
    await events.ensureDomains([target.name]);
    const prepared = await events.prepare({
      id: executionId,
      name: target.name,
      payload: target.payload ?? null,
      metadata: { source: `switchyard.scheduler/${job.id}`, timestamp: firedAt, priority: target.priority, ...(target.tenant ? { tenantId: target.tenant } : {}) },
    });
    const log = encodeJobLogRecord({ executionId, tick: tickIso, trigger, execution: { jobId: job.id, startedAt: firedAt, completedAt: firedAt, status: 'success' } });
    return { executionId, records: [{ topic: prepared.topic, record: { ...prepared.record, headers: { ...prepared.record.headers, ...headers } } }], log };
  }
  const type = target.type ?? job.handler;
  const envelope: TaskEnvelope = {
    taskId: executionId,
    type,
    queue: target.queue,
    priority: target.priority,
    attempt: 0,
    createdAt: firedAt,
    createdBy: `switchyard.scheduler/${job.id}`,
    payload: target.batch ? { items: target.batch.items } : (target.payload ?? null),
    ...(target.tenant ? { tenant: target.tenant } : {}),
    ...(job.timeout ? { timeoutMs: job.timeout } : {}),
    ...(job.retryPolicy ? { retryPolicy: taskRetryPolicy(job.retryPolicy) } : {}),
    ...(target.batch ? { batch: { batchSize: target.batch.batchSize, parallel: target.batch.parallel, stopOnError: target.batch.stopOnError } } : {}),
  };
  const task = encodeTaskEnvelope(envelope);
  const status = encodeTaskStatus({ taskId: executionId, queue: target.queue, type, status: 'queued', attempt: 0, updatedAt: firedAt, ...(target.tenant ? { tenant: target.tenant } : {}) });
  const log = encodeJobLogRecord({ executionId, tick: tickIso, trigger, queue: target.queue, execution: { jobId: job.id, startedAt: firedAt, status: 'running' } });
  return {
    executionId,
    records: [
      { topic: laneTopic(target.queue, target.priority), record: { ...task, headers: { ...task.headers, ...headers } } },
      { topic: taskStatusTopic(target.queue), record: status },
    ],
    log,
  };
}
