/**
 * @switchyard/worker: the worker runtime (priority lanes, key-ordered concurrency, non-blocking
 * retries through delay tiers, DLQ, transactional moves) and the producer API. One public door.
 */
export { TaskProducer, type EnqueueOptions, type EnqueueReceipt, type EnqueueTask, type TaskProducerOptions } from './producer/task-producer.js';
export { Worker, createWorker, type WorkerDeps } from './worker.js';
export { WorkerOptionsSchema, QueueRuntimeOptionsSchema, type WorkerOptions, type WorkerOptionsInput, type QueueRuntimeOptions } from './worker.options.js';
export { unsupportedWorkerFields, type UnsupportedField } from './worker.unsupported.js';
export { WorkerLifecycle, type WorkerState } from './worker.lifecycle.js';
export type { TaskContext, TaskHandler, TaskHandlers } from './handler/task-handler.js';
export { WorkerMetrics } from './metrics/worker-metrics.js';
export { runBatch, type BatchChunk, type BatchOutcome, type BatchPlan, type RunBatchOptions } from './batch/batch-runner.js';
export { readTaskStatus } from './status/task-status-reader.js';
export { computeBackoffMs, shouldRetry, type RetryDecision, type RetryReason } from './retry/backoff.js';
export { chooseTier, nextHop, tierDueAt, type NextHop } from './retry/retry-tier.js';
export { OffsetTrackers, PartitionOffsetTracker, type CommittableOffset } from './offsets/offset-tracker.js';
export { KeyedExecutor, KeyedExecutorOptionsSchema, type KeyedExecutorOptions } from './execution/keyed-executor.js';
export { TASK_STATUS_TRANSITIONS, assertTransition, canTransition, isTerminal } from './lifecycle/task-status.machine.js';
export { TokenBucket, TokenBucketOptionsSchema, shareOfLimit, type Clock, type TokenBucketOptions } from './rate/token-bucket.js';
export { TenantLimiter, TenantLimiterOptionsSchema, type TenantLimiterOptions } from './rate/tenant-limiter.js';
/** Errors a handler throws: re-exported so services need only this lib. */
export { UnrecoverableError, SwitchyardError, isSwitchyardError } from '@switchyard/protocol';
/** Building blocks the event bus reuses (same commit, offset, lane and routing machinery). */
export { TransactionalCommitter, logUncommitted, type Outcome as CommitOutcome, type TransactionalCommitterOptions } from './consumer/transactional-committer.js';
export { LaneDispatcher, type LaneDispatcherOptions } from './consumer/lane-dispatcher.js';
export { errorInfo, type ErrorInfo } from './routing/outcome-records.js';
export { RoomPauses, TimedPauses } from './consumer/partition-pauses.js';
export { KeyBlocks } from './consumer/key-blocks.js';
