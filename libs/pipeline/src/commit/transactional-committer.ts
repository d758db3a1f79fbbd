import type { Logger } from 'pino';
import { SwitchyardError } from '@switchyard/protocol';
import { recordSizeBytes, type ConsumerPort, type OutgoingRecord, type ProducerPort, type TopicRecords } from '@switchyard/kafka';

import type { OffsetTrackers } from '../offsets/offset-tracker.js';

/**
 * After a failed transaction, the timer and {@link TransactionalCommitter.hasRoom} wait before
 * the next one: the commit interval, doubled for each failure in a row, at most this long. Without
 * it a restarting broker met a storm: the rerun window's flushes made a transaction (a new
 * producer, an InitProducerId) every few ms, ~50 a second refused with NOT_COORDINATOR while the
 * coordinator loaded. Explicit flushes (a revoke, the close) go at once.
 */
export const MAX_RETRY_PAUSE_MS = 2_000;

/** The pause after `failures` failed transactions in a row (see MAX_RETRY_PAUSE_MS). */
export function retryPauseMs(intervalMs: number, failures: number): number {
  return Math.min(MAX_RETRY_PAUSE_MS, intervalMs * 2 ** Math.min(Math.max(failures - 1, 0), 16));
}

/** Caps of one transaction, well below the 1 MiB default max.message.bytes of a partition. */
const MAX_OUTCOMES_PER_TRANSACTION = 1_000;
const MAX_BYTES_PER_TRANSACTION = 512 * 1024;

/** Records one finished attempt produces (status, retry move, dead letter) and how to settle it. */
export interface Outcome {
  readonly records: readonly { readonly topic: string; readonly record: OutgoingRecord }[];
  /** Marks the source record done in its offset tracker. */
  readonly complete: () => void;
  /** The partition of the source record (named in the error when the outcome is dropped). */
  readonly source?: { readonly topic: string; readonly partition: number };
  /**
   * True once the source partition was revoked or lost since the record was fetched (e.g. the
   * record's offset tracker was revoked). A stale outcome is dropped unwritten: the partition's
   * next owner runs the record again, so writing it here too would double its outputs, and its
   * offset must not be committed by a member that no longer owns it. Absent: never stale.
   */
  readonly stale?: () => boolean;
}

/** An outcome waiting for its transaction (held by reference: an outcome may be a class instance). */
interface Pending {
  readonly outcome: Outcome;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  completed: boolean;
}

export interface TransactionalCommitterOptions {
  readonly producer: ProducerPort;
  /** The consumer whose offsets commit: its group metadata fences each transaction (KIP-447). */
  readonly consumer: Pick<ConsumerPort, 'groupMetadata'>;
  readonly trackers: OffsetTrackers;
  readonly intervalMs: number;
  /**
   * The rerun window: most attempts started and not yet committed (running, finished and waiting
   * for a transaction, or finished but held back behind a lower offset still in flight). A crash
   * makes at most this many attempts run again. See {@link hasRoom}. Unbounded when not given
   * (a caller that bounds its window otherwise, e.g. one fetched batch at a time).
   */
  readonly maxUncommitted?: number;
  readonly log: Logger;
  /** Called when a commit landed (the rerun window shrank: room for more work). */
  readonly onRoom?: () => void;
  /** Called when a transaction fails; the outcomes stay pending and go into the next one. */
  readonly onError?: (error: unknown) => void;
  /** The clock (ms) of {@link TransactionalCommitter.commitState}; default Date.now. */
  readonly now?: () => number;
}

/** How the committer's transactions go, for a health check (see {@link commitHealth}). */
export interface CommitState {
  /** The last transaction failed (until one commits). */
  readonly lastFailed: boolean;
  /** How long committable work has waited with no commit landing (0 when nothing waits). */
  readonly stalledMs: number;
  /** Transactions that failed in a row. */
  readonly consecutiveFailures: number;
}

/**
 * The longest a healthy committer leaves committable work waiting: one commit interval until its
 * transaction starts, plus the transaction timeout (a transaction still open after that is
 * aborted by the broker, and the adapters give up on a call by then). Waiting longer means the
 * transactions hang or cannot reach their coordinator.
 */
export function commitStallThresholdMs(commitIntervalMs: number, transactionTimeoutMs: number): number {
  return commitIntervalMs + transactionTimeoutMs;
}

/**
 * Whether the committer commits: not while its last transaction failed, nor while committable work
 * has waited longer than `thresholdMs` (see {@link commitStallThresholdMs}); ok again once a
 * commit lands.
 */
export function commitHealth(state: CommitState, thresholdMs: number): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  if (state.lastFailed) return { ok: false, reason: `the last transaction failed (${state.consecutiveFailures} in a row); outcomes and offsets wait for the next one; see the log` };
  if (state.stalledMs > thresholdMs) return { ok: false, reason: `finished work has waited ${state.stalledMs} ms with no transaction committing (limit ${thresholdMs} ms: commit interval + transaction timeout)` };
  return { ok: true };
}

/**
 * The committer: every `intervalMs` it puts the outputs of all finished attempts (status records,
 * retry moves, dead letters) and the offsets they make committable into ONE Kafka transaction.
 * A crash before the commit loses nothing (the source records are redelivered, the outputs were
 * never visible to read_committed consumers); a crash after it doubles nothing.
 */
export class TransactionalCommitter {
  readonly #options: TransactionalCommitterOptions;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #consecutiveFailures = 0;
  #lastFailed = false;
  /** After a failure: no transaction from the timer or hasRoom before this time (see retryPauseMs). */
  #retryAt = 0;
  /** Since when committable work has waited with no commit landing; undefined while nothing waits. */
  #waitingSince: number | undefined;
  readonly #now: () => number;

  constructor(options: TransactionalCommitterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Queues an outcome; resolves once it is committed, rejects with SY_PARTITION_REVOKED when it is
   * stale (its source partition moved; nothing of it is written).
   */
  submit(outcome: Outcome): Promise<void> {
    if (outcome.stale?.()) return Promise.reject(revokedError(outcome));
    this.#waitingSince ??= this.#now();
    return new Promise((resolve, reject) => this.#pending.push({ outcome, resolve, reject, completed: false }));
  }

  /**
   * Drops the pending outcomes that became stale (call after revoking partitions), once the
   * transaction under way has ended: a fenced or failed batch comes back to the queue first.
   * Resolves how many were dropped. A flush drops stale outcomes too, before each transaction.
   */
  async prune(): Promise<number> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    return this.#dropStale();
  }

  #dropStale(): number {
    if (!this.#pending.some((p) => p.outcome.stale?.())) return 0;
    const kept: Pending[] = [];
    for (const p of this.#pending) {
      if (p.outcome.stale?.()) p.reject(revokedError(p.outcome));
      else kept.push(p);
    }
    const dropped = this.#pending.length - kept.length;
    this.#pending = kept;
    this.#options.log.info({ dropped }, 'outcomes of revoked partitions dropped unwritten; their next owner runs them again');
    return dropped;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), this.#options.intervalMs);
  }

  /**
   * A flush from the timer or hasRoom: none while a transaction is under way (the next tick comes)
   * nor while the pause after a failed transaction runs. A tick that waited for the transaction
   * under way would flush right after it failed, past the pause: in worker.broker-restart the ticks
   * that came while a transaction waited on the restarting broker made 15 transactions in 1.3 s.
   */
  #tick(): Promise<void> {
    if (this.#flushing) return Promise.resolve();
    if (this.#lastFailed && this.#now() < this.#retryAt) return Promise.resolve();
    return this.flush();
  }

  /** Flushes what is pending now; concurrent calls share one transaction at a time. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    const hasOffsets = this.#options.trackers.committableOffsets().length > 0;
    if (this.#pending.length === 0 && !hasOffsets) {
      this.#waitingSince = undefined;
      return;
    }
    this.#waitingSince ??= this.#now();
    this.#flushing = this.#flushOnce().finally(() => (this.#flushing = undefined));
    await this.#flushing;
  }

  /** Stops the timer after a last flush. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  /** Rejects everything pending (used when the worker gives up). */
  failAll(error: unknown): void {
    for (const p of this.#pending.splice(0)) p.reject(error);
  }

  /** Transactions that failed in a row (0 after a commit lands). */
  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** Whether the last transaction failed and how long committable work has waited for a commit; see {@link commitHealth}. */
  commitState(): CommitState {
    return {
      lastFailed: this.#lastFailed,
      stalledMs: this.#waitingSince === undefined ? 0 : Math.max(0, this.#now() - this.#waitingSince),
      consecutiveFailures: this.#consecutiveFailures,
    };
  }

  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Finished attempts whose source offsets are not committed yet: the pending outcomes plus the
   * completed offsets of the trackers above their committed offsets (those of the transaction
   * under way and those held back behind a lower offset still in flight).
   */
  get uncommitted(): number {
    return this.#pending.length + this.#options.trackers.completedUncommitted;
  }

  /**
   * Whether one more attempt may start while `inFlight` started ones have not settled: the rerun
   * window (`inFlight` + {@link uncommitted}) stays below `maxUncommitted`, so a crash reruns at
   * most `maxUncommitted` attempts. Once half the window is used a flush starts, so commits keep
   * pace with a backlog instead of waiting for the interval.
   */
  hasRoom(inFlight: number): boolean {
    const max = this.#options.maxUncommitted ?? Number.POSITIVE_INFINITY;
    const used = inFlight + this.uncommitted;
    if (this.#pending.length > 0 && !this.#flushing && used * 2 >= max) void this.#tick();
    return used < max;
  }

  async #flushOnce(): Promise<void> {
    this.#dropStale();
    // Bounded transactions: a produce request per partition must stay under max.message.bytes.
    const { batch, full } = this.#takeBatch();
    for (const p of batch) {
      if (!p.completed) p.outcome.complete();
      p.completed = true;
    }
    const offsets = this.#options.trackers.committableOffsets();
    const records = groupRecords(batch);
    if (records.length === 0 && offsets.length === 0) return;
    let tx: Awaited<ReturnType<ProducerPort['transaction']>> | undefined;
    try {
      // Inside the try: a transaction that cannot even begin keeps the batch like one that fails.
      const open = await this.#options.producer.transaction();
      tx = open;
      // The records and the offsets go to the broker side by side (their requests do not depend on
      // each other); the commit waits for both, and a failure of either aborts once both settled.
      const [sent, offsetsSent] = await Promise.allSettled([
        records.length > 0 ? open.send(records) : undefined,
        offsets.length > 0 ? open.sendOffsets(this.#options.consumer.groupMetadata(), offsets) : undefined,
      ]);
      if (sent.status === 'rejected') throw sent.reason;
      if (offsetsSent.status === 'rejected') throw offsetsSent.reason;
      await open.commit();
    } catch (error) {
      const unknown = error instanceof SwitchyardError && error.code === 'SY_KAFKA_COMMIT_UNKNOWN';
      if (!unknown) await tx?.abort().catch(() => undefined);
      // Keep the outcomes: their outputs go into the next transaction, before any later offset. A
      // commit that got no answer may have landed: writing again may double its outputs (never
      // loses them); the adapter asked the coordinator for twice the transaction timeout first.
      this.#pending.unshift(...batch);
      this.#options.log.error({ err: error, outcomes: batch.length }, unknown ? 'transaction commit got no answer (it may have landed); writing its outcomes again with the next flush' : 'transaction failed; retrying with the next flush');
      this.#options.onError?.(error);
      this.#consecutiveFailures++;
      this.#lastFailed = true;
      this.#retryAt = this.#now() + retryPauseMs(this.#options.intervalMs, this.#consecutiveFailures);
      return;
    }
    this.#consecutiveFailures = 0;
    this.#lastFailed = false;
    // What is still pending waits from this commit on.
    this.#waitingSince = this.#pending.length > 0 ? this.#now() : undefined;
    this.#options.trackers.markCommitted(offsets);
    for (const p of batch) p.resolve();
    this.#options.onRoom?.();
    // A backlog (a full transaction's worth) goes on at once; a trickle waits for the next
    // interval, so steady traffic makes one transaction per interval, not one per handful.
    if (full && this.#pending.length > 0) await this.#flushOnce();
  }

  /** The next transaction's outcomes; `full` when a cap cut it (more is waiting). */
  #takeBatch(): { batch: Pending[]; full: boolean } {
    let bytes = 0;
    let count = 0;
    while (count < this.#pending.length && count < MAX_OUTCOMES_PER_TRANSACTION && bytes < MAX_BYTES_PER_TRANSACTION) {
      for (const r of this.#pending[count]!.outcome.records) bytes += recordSizeBytes(r.record);
      count++;
    }
    const full = count >= MAX_OUTCOMES_PER_TRANSACTION || bytes >= MAX_BYTES_PER_TRANSACTION;
    return { batch: this.#pending.splice(0, Math.max(count, 1)), full };
  }
}

/**
 * Logs an outcome that was not committed: at debug when its partition moved (expected in a
 * rebalance: the new owner runs the record), as an error otherwise.
 */
export function logUncommitted(log: Logger, error: unknown, fields: Record<string, unknown>, message: string): void {
  if (error instanceof SwitchyardError && error.code === 'SY_PARTITION_REVOKED') log.debug({ ...fields, err: error }, message);
  else log.error({ ...fields, err: error }, message);
}

function revokedError(outcome: Outcome): SwitchyardError {
  const where = outcome.source ? `${outcome.source.topic}[${outcome.source.partition}]` : 'its partition';
  return new SwitchyardError('SY_PARTITION_REVOKED', `${where} moved to another member before this outcome was committed; it is dropped and the record runs again there.`);
}

function groupRecords(batch: readonly Pending[]): TopicRecords[] {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const { outcome } of batch) {
    for (const { topic, record } of outcome.records) {
      const list = byTopic.get(topic);
      if (list) list.push(record);
      else byTopic.set(topic, [record]);
    }
  }
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}
