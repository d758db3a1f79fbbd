import { isSwitchyardError, SwitchyardError, TaskRetryPolicySchema, UnrecoverableError, type BatchProgress, type TaskRetryPolicy } from '@switchyard/protocol';
import { runBatch } from '../batch/batch-runner.js';
import { RETRY_TIERS } from '@switchyard/kafka';
import type { Logger } from 'pino';
import { executionResult, runAttempt } from '../handler/task-attempt.js';
import type { TaskHandler, TaskHandlers } from '../handler/task-handler.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { AttemptGate, chooseTier, isoAt, computeBackoffMs, errorInfo, logUncommitted, nextHop, shouldRetry, waitUntil, TrackedOutcome, type TransactionalCommitter } from '@switchyard/pipeline';
import { deadLetterRecord, moveRecord, parkRecord, retryRecord, statusRecord, type RoutedRecord } from '../routing/outcome-records.js';
import type { CancelWatch } from './cancel-watch.js';
import type { QueueRuntime } from './queue-runtime.js';
import { orderingKeyOf, type WorkItem } from './work-item.js';

const DEFAULT_POLICY: TaskRetryPolicy = TaskRetryPolicySchema.parse({});
const SHORTEST_TIER = RETRY_TIERS[0]!;

export interface TaskExecutionDeps {
  /** True once the worker is stopping: tasks not started yet are left for redelivery. */
  readonly isStopping: () => boolean;
  readonly cancellations: CancelWatch;
  readonly handlers: TaskHandlers;
  readonly committer: TransactionalCommitter;
  readonly metrics: WorkerMetrics;
  readonly log: Logger;
  readonly defaultTimeoutMs: number;
  readonly statusProcessing: boolean;
  readonly statusOnSuccess: boolean;
  readonly shutdown: AbortSignal;
  readonly onSettled: (item: WorkItem, outcome: Outcome, durationMs?: number) => void;
  readonly onBatchProgress?: (progress: BatchProgress) => void | Promise<void>;
}

export type Outcome = 'succeeded' | 'retried' | 'dead' | 'parked' | 'moved' | 'cancelled';

/**
 * Runs one work item inside its queue's keyed executor: decides whether it may run now (delays,
 * ordered-retry blocks, rate limits), runs the handler, and routes the outcome (status, retry
 * move, dead letter) to the committer, which commits it with the offsets in one transaction.
 */
export class TaskExecution {
  readonly #deps: TaskExecutionDeps;
  /** Tasks whose attempt was abandoned at its timeout while the handler still runs: their next attempt waits. */
  readonly #gate = new AttemptGate();
  /** Handler attempts made and their total duration, for WorkerStats.avgExecutionMs. */
  readonly timing = { attempts: 0, totalMs: 0 };

  constructor(deps: TaskExecutionDeps) {
    this.#deps = deps;
  }

  /** Hands the item to the queue's executor; resolves when its attempt (or move) is decided. */
  async run(q: QueueRuntime, item: WorkItem): Promise<void> {
    const key = orderingKeyOf(item.envelope);
    const tenant = item.envelope.tenant;
    // A tenant's rate limit is waited for outside the executor, so it holds no slot. Waiters are
    // served in order, so tasks of one key still enter the executor in their order.
    if (tenant !== undefined && q.tenantLimiter) {
      q.tokenWaiters++;
      try {
        await q.tenantLimiter.take(tenant, this.#deps.shutdown);
      } catch {
        return; // shutting down: the task stays uncommitted and is redelivered
      } finally {
        q.tokenWaiters--;
      }
      if (this.#deps.isStopping()) return;
    }
    return q.executor.run(q.runtime.ordered ? key : undefined, tenant, () => this.#execute(q, item, key));
  }

  async #execute(q: QueueRuntime, item: WorkItem, key: string | undefined): Promise<void> {
    const { envelope } = item;
    // A stopping worker, or one that gave the partition up, starts nothing new: the record stays
    // uncommitted and the next owner runs it.
    if (this.#deps.isStopping() || item.tracker.revoked) return;
    // Not due yet (scheduledAt, retry backoff): wait briefly in memory, or move to a delay tier.
    if (envelope.notBefore) {
      const notBefore = Date.parse(envelope.notBefore);
      const hop = nextHop(notBefore, Date.now());
      if (hop.kind === 'tier') return this.#submit(item, [moveRecord(envelope, item.record, hop.tier)], 'moved');
      // Cut short by the shutdown deadline: not due yet, leave it for redelivery.
      if (hop.kind === 'wait' && !(await waitUntil(notBefore, this.#deps.shutdown))) return;
    }
    if (this.#deps.cancellations.isCancelled(envelope.taskId)) return this.#cancelled(q, item, key, envelope.attempt);
    if (q.runtime.ordered && key !== undefined && q.blocks.isBlocked(key) && q.blocks.head(key) !== envelope.taskId) {
      return this.#park(q, item, key);
    }
    if (q.bucket) {
      try {
        await q.bucket.take(this.#deps.shutdown);
      } catch {
        return; // shutting down while waiting for the queue's rate limit: redelivered later
      }
    }
    if (this.#deps.isStopping() && this.#deps.shutdown.aborted) return;
    return this.#attempt(q, item, key);
  }

  async #attempt(q: QueueRuntime, item: WorkItem, key: string | undefined): Promise<void> {
    const { envelope, lane } = item;
    const handler = Object.hasOwn(this.#deps.handlers, envelope.type) ? this.#deps.handlers[envelope.type] : undefined;
    const attempt = envelope.attempt + 1;
    if (!handler) {
      const error = new SwitchyardError('SY_UNKNOWN_TASK_TYPE', `No handler for task type "${envelope.type}" on queue ${envelope.queue}.`, {
        hint: `Register a handler for "${envelope.type}" in the worker, then redrive the task from the DLQ.`,
      });
      return this.#dead(q, item, key, errorInfo(error), envelope.attempt);
    }
    // An earlier attempt abandoned at its timeout may still run (its handler ignored the signal):
    // never two attempts of one task at once. Shut down meanwhile: not started, redelivered.
    if ((this.#gate.holds(envelope.taskId) && !(await this.#gate.pass(envelope.taskId, this.#deps.shutdown))) || item.tracker.revoked) return;
    const labels = { queue: envelope.queue, lane, type: envelope.type };
    if (this.#deps.statusProcessing) await this.#deps.committer.submit({ records: [statusRecord(envelope, 'processing', envelope.attempt, isoAt(Date.now()))], complete: () => undefined });
    this.#deps.metrics.attemptStarted(envelope.queue);
    const controller = new AbortController();
    const stopWatching = this.#deps.cancellations.watch(envelope.taskId, controller);
    const run = envelope.batch ? this.#batchHandler(handler, item) : handler;
    const result = await runAttempt(run, envelope, attempt, envelope.timeoutMs ?? this.#deps.defaultTimeoutMs, controller, this.#deps.shutdown, this.#deps.log);
    stopWatching();
    if (!result.ok) this.#gate.hold(envelope.taskId, result.settled);
    this.timing.attempts++;
    this.timing.totalMs += result.durationMs;
    this.#deps.metrics.attemptEnded(envelope.queue);
    if (!result.ok && isSwitchyardError(controller.signal.reason) && controller.signal.reason.code === 'SY_TASK_CANCELLED') return this.#cancelled(q, item, key, attempt);
    this.#deps.metrics.duration.observe(labels, result.durationMs / 1000);
    if (result.ok) {
      this.#release(q, key, envelope.taskId);
      if (!this.#deps.statusOnSuccess) return this.#submit(item, [], 'succeeded');
      const exec = executionResult(envelope.taskId, attempt, result, 'completed', false);
      return this.#submit(item, [statusRecord(envelope, 'completed', attempt, exec.completedAt!, { result: exec })], 'succeeded');
    }
    const info = errorInfo(result.error);
    const policy = envelope.retryPolicy ?? q.config.defaultRetryPolicy ?? DEFAULT_POLICY;
    const decision = shouldRetry(policy, attempt, result.error);
    const failedStatus = result.timedOut ? 'timeout' : 'failed';
    if (!decision.retry) {
      this.#deps.log.warn({ taskId: envelope.taskId, type: envelope.type, attempt, reason: decision.reason, code: info.code }, 'task is dead');
      return this.#dead(q, item, key, info, attempt, executionResult(envelope.taskId, attempt, result, 'dead', false, info));
    }
    const now = Date.now();
    const notBefore = now + computeBackoffMs(policy, attempt);
    const exec = executionResult(envelope.taskId, attempt, result, failedStatus, true, info);
    const tier = chooseTier(notBefore - now) ?? SHORTEST_TIER;
    if (key !== undefined && q.runtime.ordered) {
      q.blocks.enqueue(key, envelope.taskId, item.record.partition);
      q.headNotBefore.set(key, notBefore);
    }
    // The lifecycle table: a failed attempt, then queued again for the next one (the latest status
    // keeps the attempt's result), in the transaction that moves the task to its delay tier.
    const retryAt = { result: exec, nextAttemptAt: isoAt(notBefore) };
    return this.#submit(
      item,
      [retryRecord(envelope, item.record, tier, isoAt(notBefore), isoAt(now)), statusRecord(envelope, failedStatus, attempt, isoAt(now), retryAt), statusRecord(envelope, 'queued', attempt, isoAt(now), retryAt)],
      'retried',
    );
  }

  #dead(q: QueueRuntime, item: WorkItem, key: string | undefined, info: ReturnType<typeof errorInfo>, attempts: number, exec?: ReturnType<typeof executionResult>): Promise<void> {
    const { envelope, record } = item;
    this.#release(q, key, envelope.taskId);
    const now = isoAt(Date.now());
    return this.#submit(
      item,
      [
        deadLetterRecord(q.dlqTopic, record, info, attempts, envelope.firstFailureAt ?? now, now, envelope.type),
        statusRecord(envelope, 'dead', attempts, now, exec ? { result: exec } : {}),
      ],
      'dead',
    );
  }

  /** Wraps a handler to run a BatchTask chunk by chunk, recording progress after each chunk. */
  #batchHandler(handler: TaskHandler, item: WorkItem): TaskHandler {
    const { envelope } = item;
    const plan = { batchId: envelope.taskId, ...envelope.batch! };
    return async (context) => {
      const items = (context.payload as { items?: unknown } | null)?.items;
      if (!Array.isArray(items)) throw new UnrecoverableError(`Batch task ${envelope.taskId}: payload.items must be an array.`);
      const outcome = await runBatch(items, plan, (chunk) => Promise.resolve(handler({ ...context, payload: chunk.items, batch: chunk })), {
        signal: context.signal,
        onProgress: async (progress) => {
          void this.#deps.committer.submit({ records: [statusRecord(envelope, 'processing', envelope.attempt, isoAt(Date.now()), { progress })], complete: () => undefined });
          await this.#deps.onBatchProgress?.(progress);
        },
        onProgressError: (error) => this.#deps.log.warn({ err: error, batchId: envelope.taskId }, 'onBatchProgress failed; the batch goes on'),
      });
      if (outcome.firstError !== undefined && plan.stopOnError) throw outcome.firstError;
      // Cancelled or cut short by shutdown: the remaining items did not run, so the task must not complete.
      if (outcome.progress.status === 'cancelled') throw context.signal.reason ?? new SwitchyardError('SY_TASK_CANCELLED', `Batch ${envelope.taskId} was interrupted.`);
      return outcome.progress;
    };
  }

  #cancelled(q: QueueRuntime, item: WorkItem, key: string | undefined, attempts: number): Promise<void> {
    this.#release(q, key, item.envelope.taskId);
    return this.#submit(item, [statusRecord(item.envelope, 'cancelled', attempts, isoAt(Date.now()))], 'cancelled');
  }

  /** The task is done for good: the next task of its key may run; forget the key when nothing waits. */
  #release(q: QueueRuntime, key: string | undefined, taskId: string): void {
    if (key === undefined) return;
    q.blocks.release(key, taskId);
    if (!q.blocks.isBlocked(key)) q.headNotBefore.delete(key);
  }

  /** A later task of a blocked key: back into a delay tier, behind the key's head. */
  #park(q: QueueRuntime, item: WorkItem, key: string): Promise<void> {
    const head = q.blocks.head(key)!;
    q.blocks.enqueue(key, item.envelope.taskId, item.record.partition);
    const now = Date.now();
    const notBefore = Math.max(q.headNotBefore.get(key) ?? now, now + SHORTEST_TIER.delayMs);
    const tier = chooseTier(notBefore - now) ?? SHORTEST_TIER;
    return this.#submit(item, [parkRecord(item.envelope, item.record, tier, isoAt(notBefore), head)], 'parked');
  }

  #submit(item: WorkItem, records: RoutedRecord[], outcome: Outcome): Promise<void> {
    if (outcome !== 'moved') this.#deps.metrics.countProcessed(item.envelope.queue, item.lane, item.envelope.type, outcome);
    const committed = this.#deps.committer.submit(new TrackedOutcome(records, item));
    // The slot is free once the outcome is decided; the commit follows within commitIntervalMs.
    committed.catch((error: unknown) => logUncommitted(this.#deps.log, error, { taskId: item.envelope.taskId }, 'outcome was not committed; the task will be redelivered'));
    this.#deps.onSettled(item, outcome);
    return Promise.resolve();
  }
}

/**
 * What the committer gets for one task: its records, and its source record's offset to complete.
 * A class, not an object of closures: one is made per task.
 */
