/**
 * Header names of Switchyard messages (STYLE.md #3). Task metadata travels in headers so a
 * consumer can route a record without parsing its payload. Trace context uses the W3C names.
 */
export const TASK_HEADERS = Object.freeze({
  /** Envelope format and version, e.g. `task.v1`. */
  envelope: 'sy-envelope',
  taskId: 'sy-task-id',
  taskType: 'sy-task-type',
  queue: 'sy-queue',
  tenant: 'sy-tenant',
  priority: 'sy-priority',
  /** Ordering key inside the partition (defaults to the tenant). */
  orderingKey: 'sy-ordering-key',
  /** Attempts already made (0 on first delivery). */
  attempt: 'sy-attempt',
  createdAt: 'sy-created-at',
  /** Task.metadata.updatedAt (ISO time), when the producer set it. */
  updatedAt: 'sy-updated-at',
  /** Task.metadata.createdBy: the user or component that created the task. */
  createdBy: 'sy-created-by',
  /** Task.metadata.tags as a JSON array of strings. */
  tags: 'sy-tags',
  /** ISO time before which the task must not run (scheduledAt, retry backoff). */
  notBefore: 'sy-not-before',
  firstFailureAt: 'sy-first-failure-at',
  lastFailureAt: 'sy-last-failure-at',
  timeoutMs: 'sy-timeout-ms',
  /** JSON TaskRetryPolicy override of the task. */
  retryPolicy: 'sy-retry-policy',
  /** Where a retried/dead/replayed record came from: `topic/partition/offset`. */
  origin: 'sy-origin',
  /** JSON `{batchSize, parallel, stopOnError}` of a BatchTask: the payload is `{items}`. */
  batch: 'sy-batch',
  /** Set on tasks parked behind an earlier task of the same ordering key (not an attempt). */
  parkedBehind: 'sy-parked-behind',
  contentType: 'content-type',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
});

export type TaskHeaderName = (typeof TASK_HEADERS)[keyof typeof TASK_HEADERS];

/** Extra headers of a dead letter; the original record's headers and value are kept as they were. */
export const DLQ_HEADERS = Object.freeze({
  /** Dead-letter format and version, e.g. `dead-letter.v1`. */
  envelope: 'sy-dlq-envelope',
  /** Error catalog code of the final failure, e.g. SY_TASK_FAILED, SY_UNDECODABLE_MESSAGE. */
  code: 'sy-dlq-code',
  /** JSON `{message, stack?, code?}` of the final failure. */
  error: 'sy-dlq-error',
  /** `topic/partition/offset` of the record that failed. */
  origin: 'sy-dlq-origin',
  /** Attempts made (0 when the record could not even be decoded). */
  attempts: 'sy-dlq-attempts',
  firstFailedAt: 'sy-dlq-first-failed-at',
  lastFailedAt: 'sy-dlq-last-failed-at',
  /** The handler (task type or subscription) that failed, when known. */
  failedHandler: 'sy-dlq-handler',
  deadAt: 'sy-dlq-dead-at',
});

/** Headers added to every record `switchyard replay` copies. */
export const REPLAY_HEADERS = Object.freeze({
  /** `topic/partition/offset` of the record that was copied. */
  origin: 'sy-replay-origin',
  /** ISO time the copy was written. */
  replayedAt: 'sy-replayed-at',
  /** Id of the replay that wrote the copy (a replay never copies its own output again). */
  replayId: 'sy-replay-id',
});

/**
 * CloudEvents Kafka protocol binding, binary mode: attributes travel as `ce_`-prefixed headers,
 * `datacontenttype` as `content-type`, the data as the record value. Extension attribute names
 * follow the spec (lower-case letters and digits, at most 20 characters).
 */
export const CLOUDEVENT_HEADERS = Object.freeze({
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  /** Extensions (Switchyard's event metadata). */
  tenantid: 'ce_tenantid',
  userid: 'ce_userid',
  priority: 'ce_priority',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  traceparent: 'ce_traceparent',
});

/** Headers the event bus adds to events it moves between its own topics (retry, replay, route). */
export const EVENT_HEADERS = Object.freeze({
  /** Id of the handler a retry (or replay) record is for; absent: every matching handler. */
  handler: 'sy-event-handler',
  /** Attempts the handler already made (0 on first delivery). */
  attempt: 'sy-event-attempt',
  /** ISO time before which the retry must not run. */
  notBefore: 'sy-event-not-before',
  firstFailureAt: 'sy-event-first-failure-at',
  /** `topic/partition/offset` of the event as first consumed. */
  origin: 'sy-event-origin',
  /** Set on an event parked behind an earlier event of the same key and handler (ordered retries): that event's id. */
  parkedBehind: 'sy-event-parked-behind',
  /** Comma-separated handler ids a replayed event is for (the protocol's targetHandlers); absent: all. */
  targetHandlers: 'sy-event-target-handlers',
});

/** Headers the scheduler adds to the tasks and events it fires. */
export const SCHEDULER_HEADERS = Object.freeze({
  /** Id of the job that fired the record. */
  jobId: 'sy-job-id',
  /** ISO time of the tick it fired for (from the schedule, not the wall clock). */
  tick: 'sy-job-tick',
  /** `schedule`, `misfire` (a tick that fell in downtime) or `manual` (run-now). */
  trigger: 'sy-job-trigger',
});
