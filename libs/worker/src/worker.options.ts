import { z } from 'zod';
import { QueueConfigSchema, WorkerConfigSchema } from '@switchyard/protocol';

/**
 * Per-queue runtime settings beyond the protocol's QueueConfig (which stays exactly as specified).
 */
export const QueueRuntimeOptionsSchema = z
  .object({
    /**
     * Ordered queue (default true): tasks of one ordering key run one after another, and while a
     * key has a task waiting for retry, later tasks of that key wait behind it.
     */
    ordered: z.boolean().default(true),
    /** Starvation guard: the share of executions lower lanes get while higher lanes have work (0-0.5). */
    minLowerLaneShare: z.number().min(0).max(0.5).default(0.05),
    /** Max tasks of one tenant running at once on this worker (fairness on shared partitions). */
    tenantConcurrency: z.number().int().positive().optional(),
    /** Max task starts per tenant per `duration` ms, across this worker. */
    tenantRateLimit: z.object({ max: z.number().int().positive(), duration: z.number().int().positive() }).strict().optional(),
    /** Tasks buffered per lane before that lane's partitions are paused (back-pressure; a fetched batch is always taken whole). Default: max(5000, 20 x concurrency). */
    laneBufferSize: z.number().int().positive().optional(),
  })
  .strict();

export type QueueRuntimeOptions = z.output<typeof QueueRuntimeOptionsSchema>;

/** Everything createWorker needs besides the Kafka client and the handlers. */
export const WorkerOptionsSchema = z
  .object({
    /** The protocol's WorkerConfig (name, queues, queueConfigs, timeouts, ...). */
    config: WorkerConfigSchema,
    /** Runtime extras per queue name. */
    queueOptions: z.record(z.string(), QueueRuntimeOptionsSchema).default({}),
    /**
     * Write a `completed` status record (with the TaskExecutionResult) for every successful attempt
     * (default true). Off, successes only move the committed offset: the status topic then holds
     * queued, failures, dead and cancelled tasks, and throughput roughly doubles (bench/README.md).
     */
    statusOnSuccess: z.boolean().default(true),
    /** Write `processing` status records too (default: only queued/outcomes, which halves status traffic). */
    statusProcessing: z.boolean().default(false),
    /**
     * The rerun window: most tasks started and not yet committed (running, finished and waiting for
     * their transaction, or finished but held back behind a lower offset of their partition still
     * in flight). When reached, no new task starts until a commit lands, so a crash (kill -9) makes
     * at most this many tasks run again. A task that runs long while this many later tasks of its
     * partition finish holds the worker until it ends (its offset bounds the commit).
     */
    maxUncommitted: z.number().int().min(1).max(100_000).default(1_000),
    /**
     * The most one fetch brings over all its partitions (bytes; Kafka's `fetch.max.bytes`). The
     * worker asks for its partitions most urgent lane first (critical, high, delay tiers, normal,
     * low, background; partitions of one rank take turns), and the broker fills the answer in that
     * order, so a critical task is read before the backlog. A fetch is parsed in one go, so a
     * smaller cap also shortens what a critical task can wait behind: 1 MiB (the default, one
     * partition's worth) against 50 MiB halved the critical lane's fetch wait p99 under a backlog,
     * at the same throughput (bench/README.md, 2026-12-07).
     */
    fetchMaxBytes: z.number().int().min(1_024).max(52_428_800).default(1_048_576),
    /** How often finished work is flushed: outputs + offsets in one transaction (ms). */
    commitIntervalMs: z.number().int().positive().default(100),
    /**
     * Stable id of this process in the group (e.g. a pod name); default: random per start. It
     * makes the transactional id: a restarted instance with the same id fences its predecessor
     * and aborts its open transaction at once, instead of after transactionTimeoutMs.
     */
    instanceId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'may hold letters, digits, dot, dash, underscore (1-100)').optional(),
    /** Group session timeout (ms): how long a dead worker keeps its partitions. Broker minimum 6000. */
    sessionTimeoutMs: z.number().int().min(6_000).max(300_000).default(30_000),
    /** Transaction timeout (ms): how long an open transaction of a crashed worker blocks read_committed readers. */
    transactionTimeoutMs: z.number().int().min(1_000).max(900_000).default(15_000),
    /**
     * How long close() waits for each step once the tasks ended (ms): first committing their
     * outcomes, then leaving the group and disconnecting. A step not done by then (the broker, or
     * the queue's topics, gone) is left behind with a warning, so close() returns within
     * shutdownTimeoutMs (plus a task's timeout when it ignores its signal) + 2 x leaveTimeoutMs.
     */
    leaveTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /**
     * How long a rebalance waits for the tasks this worker had taken from partitions it gives up
     * (ms), before it commits their outcomes with their offsets and lets the partitions go. Tasks
     * still running then are left to finish unwritten (their next owner runs them again), tasks
     * not started by then are not started. The group waits for this (every member stops in an
     * eager rebalance), so keep it short; below the 60 s rebalance timeout.
     */
    revokeTimeoutMs: z.number().int().min(0).max(50_000).default(10_000),
  })
  .strict();

export type WorkerOptionsInput = z.input<typeof WorkerOptionsSchema>;
export type WorkerOptions = z.output<typeof WorkerOptionsSchema>;

/** QueueConfig of a queue: from config.queueConfigs, else the protocol defaults for that name. */
export function queueConfigOf(options: WorkerOptions, queue: string) {
  return options.config.queueConfigs?.find((q) => q.name === queue) ?? QueueConfigSchema.parse({ name: queue });
}

/** Runtime extras of a queue, defaults applied. */
export function queueRuntimeOf(options: WorkerOptions, queue: string): QueueRuntimeOptions {
  return options.queueOptions[queue] ?? QueueRuntimeOptionsSchema.parse({});
}
