import type { BatchControl, ConsumerOptions, ConsumerPort, KafkaClient, Logger, ProducerPort, RecordBatch, TopicPartitions } from '@switchyard/kafka';
import { commitHealth, commitStallThresholdMs, TransactionalCommitter } from '../commit/transactional-committer.js';
import type { OffsetTrackers } from '../offsets/offset-tracker.js';
import { settledWithin } from '../timers/long-timeout.js';

/** The stall limit's transaction timeout when the loop sets none: Kafka's default (60 s), the longest an adapter uses. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

/** What a consume loop consumes and commits with (the parts every loop sets the same way). */
export interface ConsumeLoopRunnerOptions {
  readonly client: KafkaClient;
  /** Consumer options; `groupId` is the loop's group. */
  readonly consumer: ConsumerOptions;
  /** The transactional id of this instance (`<group>.<instance>`): one per process, stable across its restarts when configured. */
  readonly transactionalId: string;
  readonly transactionTimeoutMs?: number;
  /** The offset trackers the loop's intake fills and the committer reads. */
  readonly trackers: OffsetTrackers;
  readonly commitIntervalMs: number;
  /** Finished-but-uncommitted outcomes the committer holds before it asks the loop to wait (default: unbounded). */
  readonly maxUncommitted?: number;
  /** Called when the committer has room again (the loop starts buffered work). */
  readonly onRoom?: () => void;
  /** Each close step (the final commit, leaving the group) is awaited at most this long (default: until done). */
  readonly leaveTimeoutMs?: number;
  readonly log: Logger;
  /** Names the loop in log lines (`{ subscription: 'billing' }`, `{ route: 'r-1' }`). */
  readonly logContext?: Readonly<Record<string, unknown>>;
}

/** What the loop does with the group's events and its fetched batches. */
export interface ConsumeLoopHandlers {
  /** Partitions assigned to this member (after every rebalance). */
  readonly onAssignment: (assignment: Readonly<Record<string, readonly number[]>>) => void;
  /**
   * Partitions this member gives up: awaited before they move (commit their finished work first),
   * or `lost` (taken already: drop their uncommitted work, a commit would be fenced).
   */
  readonly onRevoked: (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void;
  readonly eachBatch: (batch: RecordBatch, control: BatchControl) => Promise<void>;
}

export interface ConsumeLoopRunOptions {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** Whether every record of a batch is resolved when eachBatch returns (routes), or the loop resolves offsets itself (worker, subscriptions). */
  readonly autoResolve: boolean;
  readonly partitionsConsumedConcurrently: number;
  /** Order of partitions in each fetch, lower first (`ConsumerRunOptions.fetchRank`; e.g. `laneFetchRank`). */
  readonly fetchRank?: (topic: string) => number;
  /** Batches as `raw` (read in place) where the adapter can (`ConsumerRunOptions.rawRecords`). */
  readonly rawRecords?: boolean;
  /** Started together with the connects (readiness the loop needs before consuming: partition counts, a cancel watch). */
  readonly alongside?: readonly Promise<unknown>[];
  /**
   * Asked right before fetching starts (after the subscribe): false leaves the consumer idle, for a
   * loop that was closed while it started (default: fetch).
   */
  readonly beforeFetch?: () => boolean;
}

/**
 * The one runner under every consume loop (the worker, event-bus subscriptions, routes): it owns
 * the loop's consumer, its transactional producer and the committer between them, and the order
 * of start and close that makes outcomes and offsets commit together:
 *
 * - `start`: connect both, wire the group's assignment and revoke hooks to the loop, subscribe,
 *   start the committer, then fetch into the loop's `eachBatch`;
 * - `close`: pause every topic, let the loop quiesce (its `drain`: drop what is buffered, let
 *   running work finish), commit what finished with its offsets, and only then leave the group
 *   and disconnect. Leaving first would hand partitions to another member while work still runs
 *   here, which would run it again. Each step after `drain` is bounded by `leaveTimeoutMs`, so
 *   close returns even with the topics deleted or the broker gone.
 *
 * The loop keeps what is its own: intake, execution, outcome records, its lifecycle table.
 */
export class ConsumeLoopRunner {
  readonly #options: ConsumeLoopRunnerOptions;
  readonly consumer: ConsumerPort;
  readonly producer: ProducerPort;
  readonly committer: TransactionalCommitter;
  #topics: readonly string[] = [];
  #started = false;

  constructor(options: ConsumeLoopRunnerOptions) {
    this.#options = options;
    const { client, log } = options;
    this.producer = client.producer({ transactionalId: options.transactionalId, ...(options.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: options.transactionTimeoutMs } : {}) });
    this.consumer = client.consumer(options.consumer);
    this.committer = new TransactionalCommitter({
      producer: this.producer,
      consumer: this.consumer,
      trackers: options.trackers,
      intervalMs: options.commitIntervalMs,
      ...(options.maxUncommitted !== undefined ? { maxUncommitted: options.maxUncommitted } : {}),
      log,
      ...(options.onRoom ? { onRoom: options.onRoom } : {}),
    });
  }

  get groupId(): string {
    return this.#options.consumer.groupId;
  }

  /** Connects, wires the group hooks to `handlers`, subscribes to `run.topics` and starts fetching. */
  async start(handlers: ConsumeLoopHandlers, run: ConsumeLoopRunOptions): Promise<void> {
    const { log, logContext } = this.#options;
    this.#started = true;
    await Promise.all([this.producer.connect(), this.consumer.connect(), ...(run.alongside ?? [])]);
    this.consumer.onGroupJoin(({ assignment }) => handlers.onAssignment(assignment));
    this.consumer.onPartitionsRevoked((revoked, lost) => handlers.onRevoked(revoked, lost));
    this.consumer.onCrash((error, restart) => log.error({ err: error, restart, ...logContext }, 'consumer crashed'));
    await this.consumer.subscribe(run.topics, { fromBeginning: run.fromBeginning });
    this.#topics = run.topics;
    this.committer.start();
    if (run.beforeFetch && !run.beforeFetch()) return;
    await this.consumer.run({
      autoResolve: run.autoResolve,
      partitionsConsumedConcurrently: run.partitionsConsumedConcurrently,
      eachBatch: handlers.eachBatch,
      ...(run.fetchRank ? { fetchRank: run.fetchRank } : {}),
      ...(run.rawRecords ? { rawRecords: true } : {}),
    });
  }

  /**
   * Graceful close, as a member of the group to the end: every topic paused, `drain` (the loop
   * drops its buffered work and waits for running work, aborting it at its own deadline), the
   * final commit, then leave and disconnect (each bounded by `leaveTimeoutMs`). `also` is called
   * with the leave (a cancel watch's stop). A runner that never started only disconnects.
   */
  async close(drain: () => Promise<void>, also?: () => Promise<unknown>): Promise<void> {
    if (!this.#started) {
      await Promise.all([this.consumer.disconnect(), this.producer.disconnect(), also?.()]);
      return;
    }
    if (this.#topics.length > 0) this.consumer.pause(this.#topics.map((topic) => ({ topic })));
    await drain();
    await this.#bounded('commit', this.committer.stop());
    const leave = this.consumer.stop().then(() => Promise.all([this.consumer.disconnect(), this.producer.disconnect()]));
    await this.#bounded('leave', Promise.all([leave, also?.()]));
  }

  /**
   * Whether the loop's transactions land: not while the last one failed, nor while finished work
   * has waited longer than the commit interval plus the transaction timeout with no commit (a hung
   * transaction); ok again once one commits.
   */
  commitHealth(): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    return commitHealth(this.committer.commitState(), commitStallThresholdMs(this.#options.commitIntervalMs, this.#options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS));
  }

  async #bounded(step: 'commit' | 'leave', work: Promise<unknown>): Promise<void> {
    const { leaveTimeoutMs, log, logContext } = this.#options;
    if (leaveTimeoutMs === undefined) {
      await work;
      return;
    }
    if (await settledWithin(work, leaveTimeoutMs)) return;
    log.warn({ step, leaveTimeoutMs, ...logContext }, 'close step not done in time (broker or topics gone?): going on without it');
  }
}
