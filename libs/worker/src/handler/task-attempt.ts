import { SwitchyardError, type TaskExecutionResult } from '@switchyard/protocol';
import type { Logger } from 'pino';
import { taskMetadataOf, type TaskEnvelope } from '@switchyard/kafka';
import { isoAt, raceAttempt, type RaceResult } from '@switchyard/pipeline';
import type { TaskContext, TaskHandler } from './task-handler.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What one attempt did: the pipeline's race result (wall-clock start, monotonic duration). */
export type AttemptResult = RaceResult<unknown>;

/**
 * Runs one attempt of a handler in the pipeline's attempt race. The handler gets `controller`'s
 * AbortSignal, which fires on timeout, on cancellation (the caller aborts it) or when `shutdown`
 * fires; a handler that ignores it is abandoned at the timeout (its attempt fails with
 * SY_TASK_TIMEOUT) and keeps running: `settled` resolves when it stops, and the worker's attempt
 * gate holds the task's next attempt until then.
 */
export function runAttempt(
  handler: TaskHandler,
  envelope: TaskEnvelope,
  attempt: number,
  timeoutMs: number,
  controller: AbortController,
  shutdown: AbortSignal,
  log: Logger,
): Promise<AttemptResult> {
  let childLog: Logger | undefined;
  return raceAttempt<unknown>(
    (signal) => {
      const context: Mutable<TaskContext> = {
        id: envelope.taskId,
        type: envelope.type,
        queue: envelope.queue,
        priority: envelope.priority,
        payload: envelope.payload,
        metadata: taskMetadataOf(envelope),
        attempt,
        signal,
        // A child logger per attempt only when the handler logs (creating one is not free).
        get log() {
          return (childLog ??= log.child({ taskId: envelope.taskId, type: envelope.type, attempt }));
        },
      };
      // Set only when present (assigned, not spread: no temporary object per field).
      if (envelope.tenant) context.tenant = envelope.tenant;
      if (envelope.orderingKey) context.orderingKey = envelope.orderingKey;
      if (envelope.traceparent) context.traceparent = envelope.traceparent;
      return handler(context);
    },
    {
      timeoutMs,
      controller,
      shutdown,
      timeoutError: () =>
        new SwitchyardError('SY_TASK_TIMEOUT', `Task ${envelope.taskId} (${envelope.type}) did not finish within ${timeoutMs} ms.`, {
          hint: 'Raise the task timeoutMs (or the worker defaultTimeoutMs), or make the handler honour its AbortSignal.',
          details: { taskId: envelope.taskId, timeoutMs },
        }),
    },
  );
}

/** The protocol's TaskExecutionResult of an attempt. */
export function executionResult(taskId: string, attempt: number, result: AttemptResult, status: TaskExecutionResult['status'], willRetry: boolean, error?: { message: string; stack?: string; code: string }): TaskExecutionResult {
  return {
    taskId,
    status,
    attempt,
    willRetry,
    startedAt: isoAt(result.startedAtMs),
    completedAt: isoAt(Date.now()),
    // Task records carry whole milliseconds (TaskExecutionResult.durationMs is an integer).
    durationMs: Math.round(result.durationMs),
    ...(result.ok && result.value !== undefined ? { result: result.value } : {}),
    ...(error ? { error } : {}),
  };
}
