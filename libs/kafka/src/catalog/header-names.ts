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
