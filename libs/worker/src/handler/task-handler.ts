import type { Logger } from 'pino';
import type { Task, TaskPriority } from '@switchyard/protocol';
import type { BatchChunk } from '../batch/batch-runner.js';

/** What a handler receives for one attempt of one task. */
export interface TaskContext<P = unknown> {
  readonly id: string;
  readonly type: string;
  readonly queue: string;
  readonly priority: TaskPriority;
  readonly tenant?: string;
  readonly orderingKey?: string;
  readonly payload: P;
  /** The protocol's Task.metadata as enqueued: createdAt, and updatedAt, createdBy, tags when the producer set them. */
  readonly metadata: NonNullable<Task['metadata']>;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Aborted when the attempt times out or the worker shuts down past its grace period. */
  readonly signal: AbortSignal;
  readonly traceparent?: string;
  readonly log: Logger;
  /** For a BatchTask: which chunk this call handles (`payload` is then the chunk's items). */
  readonly batch?: BatchChunk;
}

/**
 * A task handler. Resolve to succeed (the value becomes TaskExecutionResult.result); throw to fail.
 * Throw `UnrecoverableError` (or a SwitchyardError with `retriable: false`) to skip retries.
 */
export type TaskHandler<P = unknown, R = unknown> = (task: TaskContext<P>) => Promise<R> | R;

/** Handlers by task type (snake_case). */
export type TaskHandlers = Readonly<Record<string, TaskHandler>>;
