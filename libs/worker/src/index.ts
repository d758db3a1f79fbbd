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
export { TASK_STATUS_TRANSITIONS, assertTransition, canTransition, isTerminal } from './lifecycle/task-status.machine.js';
/** Errors a handler throws: re-exported so services need only this lib. */
export { UnrecoverableError, SwitchyardError, isSwitchyardError } from '@switchyard/protocol';

