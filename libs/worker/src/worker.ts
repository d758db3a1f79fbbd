import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { parseOrThrow, SwitchyardError, type BatchProgress, type TaskPriority, type WorkerStats } from '@switchyard/protocol';
import {
  batchRecords,
  createLogger,
  decodeTaskEnvelope,
  laneFetchRank,
  laneTopics,
  parseTaskTopic,
  RETRY_TIERS,
  retryTopic,
  workerGroup,
  type BatchControl,
  type ConsumerPort,
  type KafkaClient,
  type Logger,
  type RecordBatch,
} from '@switchyard/kafka';
import type { Registry } from 'prom-client';
import { CancelWatch } from './consumer/cancel-watch.js';
import { QueueOrder } from './consumer/queue-order.js';
import { QueueRuntime, readPartitionCounts } from './consumer/queue-runtime.js';
import { TaskExecution } from './consumer/task-execution.js';
import { PartitionHandOver } from './consumer/partition-hand-over.js';
import { rebuildKeyBlocks } from './consumer/key-block-rebuild.js';
import { ConsumeLoopRunner, errorInfo, NextTurn, OffsetTrackers, shareOfLimit, tierDueAt, TimedPauses } from '@switchyard/pipeline';
import type { WorkItem } from './consumer/work-item.js';
import type { TaskHandler, TaskHandlers } from './handler/task-handler.js';
import { WorkerMetrics } from './metrics/worker-metrics.js';
import { deadLetterRecord } from './routing/outcome-records.js';
import { queueConfigOf, queueRuntimeOf, WorkerOptionsSchema, type WorkerOptions, type WorkerOptionsInput } from './worker.options.js';
import { WorkerLifecycle } from './worker.lifecycle.js';
import { registerQueueDlqs } from './routing/queue-registration.js';
import { unsupportedWorkerFields, type UnsupportedField } from './worker.unsupported.js';

export interface WorkerDeps {
  readonly log?: Logger;
  /** Prometheus registry to register the worker's metrics in (default: its own). */
  readonly registry?: Registry;
  /** Called after each chunk of a BatchTask (the protocol's onProgress, worker side). */
  readonly onBatchProgress?: (progress: BatchProgress) => void | Promise<void>;
}

/**
 * A worker: one consumer-group member serving every lane and delay tier of its queues. See
 * docs/lifecycle.md for the flow: intake -> lane buffers -> keyed executor -> outcome -> one
 * transaction with the offsets.
 */
export class Worker {
  readonly options: WorkerOptions;
  readonly metrics: WorkerMetrics;
  /** Configuration fields accepted but without effect on Kafka (one warning each at construction). */
  readonly unsupported: readonly UnsupportedField[];
  readonly #client: KafkaClient;
  readonly #handlers: TaskHandlers;
  readonly #deps: WorkerDeps;
  readonly #log: Logger;
  readonly #queues = new Map<string, QueueRuntime>();
  /** Which queue starts the next task when several have work: QueueConfig.priority as a weight. */
  readonly #order: QueueOrder<QueueRuntime>;
  readonly #trackers = new OffsetTrackers();
  readonly #lifecycle = new WorkerLifecycle();
  readonly #shutdown = new AbortController();
  readonly #timedPauses = new TimedPauses(() => this.#consumer, () => this.#lifecycle.state === 'running');
  readonly #groupId: string;
  readonly #startedAt = Date.now();
  readonly #counts = { processed: 0, succeeded: 0, failed: 0 };
  /** Consumer, transactional producer and committer, started and closed in the pipeline's order. */
  #runner: ConsumeLoopRunner | undefined;
  #execution: TaskExecution | undefined;
  #cancellations: CancelWatch | undefined;
  #running = 0;
  /** Work items taken from the buffers and not settled yet (waiting in the executor or running). */
  readonly #taken = new Map<Promise<void>, WorkItem>();
  /** One pump on the next turn, however many tasks settle before it. */
  readonly #nextPump = new NextTurn(() => this.#pump());
  readonly #handOver: PartitionHandOver;
  #owned: ReadonlySet<string> = new Set<string>();
  /** Rebuilding the ordered-retry blocks of newly assigned partitions: batches wait for it. */
  #rebuilding: Promise<unknown> | undefined;

  constructor(client: KafkaClient, options: WorkerOptionsInput, handlers: TaskHandlers, deps: WorkerDeps = {}) {
    this.options = parseOrThrow(WorkerOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'WorkerOptions' });
    this.#client = client;
    // Own properties only: a task type such as "constructor" must not find Object's prototype.
    this.#handlers = Object.assign(Object.create(null) as Record<string, TaskHandler>, this.options.config.handlers ?? {}, handlers);
    this.#deps = deps;
    this.#log = deps.log ?? createLogger(`worker.${this.options.config.name}`);
    this.metrics = new WorkerMetrics(deps.registry);
    this.#groupId = workerGroup(this.options.config.name);
    // Every running attempt listens for shutdown: as many listeners as the concurrency.
    setMaxListeners(0, this.#shutdown.signal);
    for (const queue of this.options.config.queues) {
      this.#queues.set(queue, new QueueRuntime(queueConfigOf(this.options, queue), queueRuntimeOf(this.options, queue), () => this.#consumer));
    }
    this.#order = new QueueOrder(this.#queues.values());
    const handOverDeps = { trackers: this.#trackers, queues: this.#queues, taken: this.#taken, committer: () => this.#committer };
    this.#handOver = new PartitionHandOver({ ...handOverDeps, revokeTimeoutMs: this.options.revokeTimeoutMs, log: this.#log });
    this.unsupported = unsupportedWorkerFields(this.options);
    for (const part of this.unsupported) this.#log.warn({ field: part.field }, `WorkerConfig.${part.field} has no effect: ${part.reason}`);
  }

  get #consumer(): ConsumerPort | undefined {
    return this.#runner?.consumer;
  }

  get #committer() {
    return this.#runner?.committer;
  }

  get state() {
    return this.#lifecycle.state;
  }

  /** Joins the group and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    this.#lifecycle.to('starting');
    const instance = this.options.instanceId ?? randomUUID().slice(0, 12);
    const { sessionTimeoutMs } = this.options;
    // A short fetch wait: a resumed partition (room in a lane, a delay tier coming due) is fetched promptly.
    const runner = new ConsumeLoopRunner({
      client: this.#client,
      // Fetches take Kafka's default 1 MiB of a partition and at most fetchMaxBytes (1 MiB) in all,
      // partitions most urgent lane first (laneFetchRank): a critical task waits for at most one
      // 1 MiB round of backlog. The round cap cost no throughput in paired runs; 256 KiB per
      // partition with a lane buffer of 1,000 had held a no-op worker to 13-15k tasks/s, input-bound
      // (bench/README.md, 2026-12-07).
      consumer: { groupId: this.#groupId, sessionTimeoutMs, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)), maxWaitTimeMs: 100, coPartitioned: true, maxBytes: this.options.fetchMaxBytes },
      transactionalId: `${this.#groupId}.${instance}`,
      transactionTimeoutMs: this.options.transactionTimeoutMs,
      trackers: this.#trackers,
      commitIntervalMs: this.options.commitIntervalMs,
      maxUncommitted: this.options.maxUncommitted,
      onRoom: () => this.#nextPump.schedule(),
      // Each close step after the tasks ended is bounded: with the topics deleted or the broker
      // gone, a commit, a leave or the cancel watch's fetch loop can retry forever.
      leaveTimeoutMs: this.options.leaveTimeoutMs,
      log: this.#log,
    });
    this.#runner = runner;
    this.#cancellations = new CancelWatch(this.#client, [...this.#queues.keys()], this.#log);
    this.#execution = new TaskExecution({
      isStopping: () => this.#lifecycle.state === 'stopping' || this.#lifecycle.state === 'stopped',
      cancellations: this.#cancellations,
      handlers: this.#handlers,
      committer: runner.committer,
      metrics: this.metrics,
      log: this.#log,
      defaultTimeoutMs: this.options.config.defaultTimeoutMs,
      statusProcessing: this.options.statusProcessing,
      statusOnSuccess: this.options.statusOnSuccess,
      shutdown: this.#shutdown.signal,
      onSettled: (item, outcome) => this.#count(item, outcome),
      ...(this.#deps.onBatchProgress ? { onBatchProgress: this.#deps.onBatchProgress } : {}),
    });
    const topics = [...this.#queues.keys()].flatMap((queue) => [...laneTopics(queue), ...RETRY_TIERS.map((tier) => retryTopic(queue, tier))]);
    await runner.start(
      {
        onAssignment: (assignment) => this.#onAssignment(assignment),
        // Partitions about to move: hand them over (consumer/partition-hand-over.ts). Lost ones (this
        // member was fenced out of the group): forget them and drop their work, nothing can commit.
        onRevoked: (revoked, lost) => {
          const keys = new Set(revoked.flatMap(({ topic, partitions = [] }) => partitions.map((p) => `${topic}\u0000${p}`)));
          if (!lost) return this.#handOver.handOver(keys);
          this.#forget(keys, new Set([...this.#owned].filter((key) => !keys.has(key))));
          return undefined;
        },
        eachBatch: (batch, control) => this.#onBatch(batch, control),
      },
      {
        topics,
        fromBeginning: true,
        autoResolve: false,
        partitionsConsumedConcurrently: Math.min(topics.length, 16),
        // Most urgent lane first in each fetch (capped at fetchMaxBytes): critical before the backlog.
        fetchRank: laneFetchRank,
        // Records read in place (batchRecords): no library object per record on the way. Paired runs:
        // 8-20% more tasks/s at 7-17% less CPU per task (bench/README.md, 2026-12-07).
        rawRecords: true,
        alongside: [this.#cancellations.start(), readPartitionCounts(this.#client, this.#queues), registerQueueDlqs(this.#client, [...this.#queues.values()], this.#log)],
      },
    );
    this.#lifecycle.to('running');
    this.#log.info({ group: this.#groupId, queues: [...this.#queues.keys()] }, 'worker running');
  }

  /**
   * Graceful shutdown, as a member of the group to the end: stop taking work (every partition
   * paused; buffered tasks dropped, their offsets uncommitted, so the next owner runs them), let
   * running tasks finish (up to shutdownTimeoutMs, then abort their signals), commit their outcomes
   * with their offsets, and only then leave the group. Leaving first would hand the partitions to
   * another member while tasks still run here, and it would run them again. The commit and the
   * leave are each awaited at most leaveTimeoutMs, so close() returns even with the topics deleted.
   */
  async close(): Promise<void> {
    if (!this.#lifecycle.canMoveTo('stopping')) return;
    this.#lifecycle.to('stopping');
    this.#timedPauses.clear();
    await this.#runner?.close(() => this.#drain(), () => this.#cancellations?.stop() ?? Promise.resolve());
    this.#lifecycle.to('stopped');
    this.#log.info('worker stopped');
  }

  /** Buffered tasks dropped (uncommitted: the next owner runs them), waiting ones cancelled; running tasks finish, aborted at shutdownTimeoutMs. */
  async #drain(): Promise<void> {
    const stopping = new SwitchyardError('SY_TASK_TIMEOUT', 'worker shutting down');
    for (const q of this.#queues.values()) {
      q.dispatcher.drop(() => true);
      q.tenantLimiter?.cancelWaiters(stopping);
      q.bucket?.cancelWaiters(stopping);
    }
    const idle = Promise.all([...this.#queues.values()].map((q) => q.executor.onIdle()));
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.options.config.shutdownTimeoutMs).unref());
    if ((await Promise.race([idle, grace])) === 'timeout') {
      this.#log.warn({ shutdownTimeoutMs: this.options.config.shutdownTimeoutMs }, 'tasks still running at the shutdown deadline: aborting them');
      this.#shutdown.abort(new SwitchyardError('SY_TASK_TIMEOUT', 'worker shutting down'));
      await idle;
    }
  }

  /**
   * Whether the worker does its job: running, and its transactions land: not ok while the last
   * transaction failed, or while finished work has waited longer than the commit interval plus the
   * transaction timeout with no commit landing (a hung transaction); ok again once one commits.
   * For /healthz.
   */
  health(): { readonly ok: boolean; readonly state: string; readonly reason?: string } {
    const state = this.#lifecycle.state;
    if (state !== 'running') return { ok: false, state, reason: `worker is ${state}` };
    if (!this.#runner) return { ok: true, state };
    const commits = this.#runner.commitHealth();
    return commits.ok ? { ok: true, state } : { ok: false, state, reason: commits.reason };
  }

  /** The protocol's WorkerStats. */
  stats(): WorkerStats {
    const queues: NonNullable<WorkerStats['queues']> = {};
    for (const [name, q] of this.#queues) {
      queues[name] = { pending: q.dispatcher.size() + q.executor.pending + q.tokenWaiters, active: q.executor.active, completed: q.counts.completed, failed: q.counts.failed };
    }
    const timing = this.#execution?.timing;
    return {
      workerName: this.options.config.name,
      totalProcessed: this.#counts.processed,
      succeeded: this.#counts.succeeded,
      failed: this.#counts.failed,
      active: this.#running,
      uptimeMs: Date.now() - this.#startedAt,
      ...(timing && timing.attempts > 0 ? { avgExecutionMs: timing.totalMs / timing.attempts } : {}),
      queues,
    };
  }

  async #onBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    if (this.#rebuilding) await this.#rebuilding;
    const parsed = parseTaskTopic(batch.topic);
    const q = parsed && this.#queues.get(parsed.queue);
    if (!parsed || !q || (parsed.kind !== 'lane' && parsed.kind !== 'retry')) return;
    const tier = parsed.kind === 'retry' ? RETRY_TIERS.find((t) => t.name === parsed.tier) : undefined;
    const tracker = this.#trackers.forPartition(batch.topic, batch.partition);
    let fullest: TaskPriority = parsed.kind === 'lane' ? parsed.lane : 'normal';
    const records = batchRecords(batch);
    for (const record of records) {
      if (!control.isRunning() || control.isStale() || this.#lifecycle.state !== 'running') return;
      if (tier) {
        const due = tierDueAt(Number(record.timestamp), tier);
        if (due > Date.now()) return this.#timedPauses.pauseUntil(batch.topic, batch.partition, due);
      }
      // The whole fetched batch is taken (a refetch after pause/resume would stall the fetch loop
      // for a full fetch wait); the partition is paused below while its lane buffer is full.
      control.resolveOffset(record.offset);
      // A fetch that was already under way can hand out records again: take each offset once.
      if (!tracker.track(record.offset)) continue;
      const decoded = decodeTaskEnvelope(record);
      const lane: TaskPriority = decoded.ok ? decoded.envelope.priority : parsed.kind === 'lane' ? parsed.lane : 'normal';
      fullest = q.dispatcher.size(lane) >= q.dispatcher.size(fullest) ? lane : fullest;
      if (!decoded.ok) {
        this.#log.warn({ topic: record.topic, partition: record.partition, offset: record.offset, reason: decoded.error.message }, 'undecodable record: dead-lettered');
        const now = new Date().toISOString();
        void this.#committer!.submit({
          records: [deadLetterRecord(q.dlqTopic, record, errorInfo(decoded.error), 0, now, now)],
          complete: () => tracker.complete(record.offset),
        });
        this.metrics.countProcessed(parsed.queue, lane, 'unknown', 'dead');
        continue;
      }
      // The topic a record was read from names its queue; a foreign sy-queue header must not send
      // its outcomes to another queue's topics.
      const envelope = decoded.envelope.queue === parsed.queue ? decoded.envelope : { ...decoded.envelope, queue: parsed.queue };
      q.dispatcher.push(lane, { queue: parsed.queue, lane, record, envelope, tracker, fromRetry: parsed.kind === 'retry' });
    }
    if (q.dispatcher.isFull(fullest)) q.roomPauses.pause(fullest, batch.topic, batch.partition);
    const last = records.at(-1);
    if (last) this.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition), group: this.#groupId }, Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n));
    this.#pump();
  }

  /** Starts buffered tasks while their queue has room, most urgent lane first. */
  #pump(): void {
    if (this.#lifecycle.state !== 'running') return;
    // One start per turn, queues interleaved by their priority weight (consumer/queue-order.ts).
    for (const q of this.#order.turns((queue) => queue.dispatcher.size() > 0 && queue.hasCapacity() && this.#committer!.hasRoom(this.#running))) {
      const item = q.dispatcher.next()!;
      this.#running++;
      const run: Promise<void> = this.#execution!.run(q, item).then(
        () => this.#settled(run),
        (error: unknown) => {
          this.#log.error({ err: error, taskId: item.envelope.taskId }, 'task execution failed unexpectedly; it will be redelivered');
          this.#settled(run);
        },
      );
      this.#taken.set(run, item);
    }
    for (const q of this.#queues.values()) q.roomPauses.resumeWithRoom((lane) => q.dispatcher.hasRoom(lane));
  }

  #settled(run: Promise<void>): void {
    this.#running--;
    this.#taken.delete(run);
    // The executor frees the slot right after this promise settles: pump on the next turn.
    this.#nextPump.schedule();
  }

  /** After a rebalance: forget revoked partitions (their buffered tasks, offsets), re-share rate limits. */
  #onAssignment(assignment: Readonly<Record<string, readonly number[]>>): void {
    const owned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}\u0000${p}`)));
    const before = this.#owned;
    // A hand-over still under way (a client that does not await the revoke hook): its trackers end
    // now, so the new assignment's batches start fresh trackers from the committed offsets.
    this.#handOver.endUnderWay();
    // Newly owned partitions: their key blocks from the delay tiers before any of their records is handled.
    this.#rebuilding = Promise.all(
      [...this.#queues.values()].map((q) => {
        const lane = laneTopics(q.config.name)[2]!;
        const gained = (assignment[lane] ?? []).filter((p) => !before.has(`${lane}\u0000${p}`));
        return rebuildKeyBlocks(this.#client, this.#groupId, q, gained, this.#log);
      }),
    );
    // Partitions kept across the rebalance keep their trackers: the client refetches them from the
    // committed offset, and the tracker skips what was already taken (no double execution).
    this.#forget([...this.#owned].filter((key) => !owned.has(key)), owned);
    for (const q of this.#queues.values()) {
      q.roomPauses.clear();
      const lane = laneTopics(q.config.name)[2]!;
      q.assignedPartitions = assignment[lane]?.length ?? 0;
      if (q.config.rateLimit && q.bucket) q.bucket.setRate(shareOfLimit(q.config.rateLimit.max, q.assignedPartitions, Math.max(q.totalPartitions, q.assignedPartitions)));
    }
    this.#log.info({ assignment }, 'partitions assigned');
  }

  /**
   * Lets go of partitions (`topic\u0000partition` keys) now owned elsewhere: their trackers are
   * revoked (so outcomes of their records still running or waiting for a transaction are dropped
   * unwritten), their buffered tasks and key blocks dropped. `owned` is what stays.
   */
  #forget(gone: Iterable<string>, owned: ReadonlySet<string>): void {
    for (const key of gone) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      this.#trackers.revoke(topic, Number(partition));
      const queue = parseTaskTopic(topic)?.queue;
      if (queue && !owned.has(`${laneTopics(queue)[2]}\u0000${partition}`)) this.#queues.get(queue)?.blocks.dropPartition(Number(partition));
    }
    for (const q of this.#queues.values()) q.dispatcher.drop((item: WorkItem) => item.tracker.revoked);
    this.#owned = owned;
    void this.#committer?.prune();
  }

  #count(item: WorkItem, outcome: string): void {
    if (outcome === 'parked' || outcome === 'moved' || outcome === 'cancelled') return;
    const perQueue = this.#queues.get(item.queue)?.counts;
    this.#counts.processed++;
    if (outcome === 'succeeded') {
      this.#counts.succeeded++;
      if (perQueue) perQueue.completed++;
    } else {
      this.#counts.failed++;
      if (perQueue) perQueue.failed++;
    }
  }
}

/** Creates a worker for `options.config.queues` with handlers by task type. Call `start()`. */
export function createWorker(client: KafkaClient, options: WorkerOptionsInput, handlers: TaskHandlers, deps?: WorkerDeps): Worker {
  return new Worker(client, options, handlers, deps);
}
