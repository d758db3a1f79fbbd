/**
 * Runs a replay: reads the planned ranges with the replay's consumer group (kafkajs has no manual
 * assignment), seeking each assigned partition to where reading stopped on every group join and
 * pausing it once its range is read, and hands the batches to the RangeCopier, which passes the
 * copies on to the writer lanes (writer-lanes.ts) and goes on reading while they write.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumerPort, IncomingRecord, KafkaClient } from '@switchyard/kafka';
import { replayTopicHeaders } from '../subscription/replay-record.js';
import { buildRecordFilter } from './record-filter.js';
import type { ChunkWriter } from './copy-writer.js';
import { RangeCopier } from './range-copier.js';
import { ReplayPacer } from './replay-pacer.js';
import type { ReplayPlan } from './replay-plan.js';
import { ReplayStats } from './replay-stats.js';
import type { ReplayOptions } from './replay.options.js';
import { startWriterLanes } from './writer-lanes.js';

export interface ReplayRunHooks {
  /** Aborting stops after the transaction in flight; the run can be resumed later. */
  readonly signal: AbortSignal;
  readonly onProgress?: (stats: ReplayStats) => void;
}

export interface ReplayResult {
  readonly stats: ReplayStats;
  /** True when every range was written and its progress committed to its end. */
  readonly complete: boolean;
  /** Up to 5 matching records (dry run only). */
  readonly samples: readonly IncomingRecord[];
}

/** Short session: a rerun after a crash need not wait long for the dead member to leave. */
const SESSION_TIMEOUT_MS = 6_000;

function followAssignments(consumer: ConsumerPort, copier: RangeCopier, topic: string): void {
  consumer.onGroupJoin(({ assignment }) => {
    for (const partition of assignment[topic] ?? []) {
      // Where reading stopped, not the committed progress: what the writer holds is still written by this run (or the run fails).
      const position = copier.position(partition);
      if (position !== undefined && !copier.isRead(partition)) consumer.seek({ topic, partition, offset: position.toString() });
      else consumer.pause([{ topic, partitions: [partition] }]);
    }
  });
}

/** How a run ends: every range committed, interrupted (after the transaction in flight), or failed. */
function outcome(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ([resolve, reject] = [res, rej]));
  return { promise, resolve, reject };
}

/** Reads until every range is committed, the signal aborts (after the transaction in flight) or a write fails. */
async function readRanges(consumer: ConsumerPort, run: ReplayRun, plan: ReplayPlan, hooks: ReplayRunHooks): Promise<void> {
  const { copier, writer, stats, ended } = run;
  const interrupt = () => void writer.stop().then(ended.resolve, ended.reject);
  if (hooks.signal.aborted) interrupt();
  hooks.signal.addEventListener('abort', interrupt, { once: true });
  consumer.onCrash((error, restart) => (restart ? undefined : ended.reject(error)));
  const eachBatch: Parameters<ConsumerPort['run']>[0]['eachBatch'] = async (batch, control) => {
    if (batch.topic !== plan.topic || copier.isRead(batch.partition) || hooks.signal.aborted) return;
    try {
      await copier.copy(batch, control);
    } catch (error) {
      ended.reject(error);
      return;
    }
    hooks.onProgress?.(stats);
    if (copier.isRead(batch.partition)) consumer.pause([{ topic: plan.topic, partitions: [batch.partition] }]);
  };
  // Every partition's batch at once: a partition whose writer lane is full must not hold up the
  // others' (with one at a time, the lanes took turns).
  // Raw records: copies are written from the fetched bytes where the client can (range-copier.ts).
  consumer.run({ eachBatch, partitionsConsumedConcurrently: Math.max(1, plan.partitions.length), rawRecords: true }).catch(ended.reject);
  await ended.promise;
}

/** The parts of one run: the reader, the writer lanes behind it, the counters, and how it ends. */
interface ReplayRun {
  readonly copier: RangeCopier;
  readonly writer: ChunkWriter;
  readonly stats: ReplayStats;
  readonly ended: ReturnType<typeof outcome>;
}

/** Connects the writer lanes (fencing an interrupted run of this replay) and sets up the reader in front of them. */
async function startRun(client: KafkaClient, plan: ReplayPlan, options: ReplayOptions, hooks: ReplayRunHooks): Promise<ReplayRun> {
  const stats = new ReplayStats();
  const ended = outcome();
  // Commits only follow chunks the copier handed over, so `copier` exists by the time they come.
  const writer = await startWriterLanes(client, plan, options, {
    onCommitted: (partition, position, written) => {
      copier.committed(partition, position);
      stats.countWritten(partition, written);
      // Progress on every commit too, not only after a whole batch was copied: a paced batch
      // (--rate, --speed) takes the whole run, and a front end polling it saw nothing until then.
      hooks.onProgress?.(stats);
      if (copier.allDone) ended.resolve();
    },
    onFailed: ended.reject,
  });
  const { subscription } = options;
  const copier = new RangeCopier({
    replayId: options.id,
    ranges: plan.partitions,
    matches: buildRecordFilter(options.filter),
    pacer: new ReplayPacer(options),
    stats,
    writer,
    dryRun: options.dryRun,
    signal: hooks.signal,
    ...(subscription ? { headersOf: (headers: Readonly<Record<string, Buffer>>) => replayTopicHeaders(headers, subscription.targetHandlers) } : {}),
  });
  return { copier, writer, stats, ended };
}

/** Copies (or, dry, counts) the plan's records; resolves when done or interrupted. */
export async function runReplay(client: KafkaClient, plan: ReplayPlan, options: ReplayOptions, hooks: ReplayRunHooks): Promise<ReplayResult> {
  const toRead = plan.partitions.some((range) => range.position < range.end);
  // A dry run commits nothing, so it reads with a throwaway group and leaves the replay's alone.
  const groupId = options.dryRun ? `${plan.group}.dry-run.${randomUUID().slice(0, 8)}` : plan.group;
  const consumer = client.consumer({ groupId, sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1_000, maxWaitTimeMs: 500, readCommitted: true });
  // Writer threads start while the consumer connects.
  const [started, connected] = await Promise.allSettled([startRun(client, plan, options, hooks), toRead ? consumer.connect() : undefined]);
  const run = started.status === 'fulfilled' ? started.value : undefined;
  try {
    if (started.status === 'rejected') throw started.reason;
    if (connected.status === 'rejected') throw connected.reason;
    if (toRead) {
      followAssignments(consumer, run!.copier, plan.topic);
      await consumer.subscribe([plan.topic], { fromBeginning: true });
      await readRanges(consumer, run!, plan, hooks);
    }
  } finally {
    // Nothing more is queued; a transaction in flight ends (committed or aborted) before the producers go.
    await run?.writer.stop().catch(() => undefined);
    if (toRead) await consumer.disconnect().catch(() => undefined);
  }
  return { stats: run!.stats, complete: run!.copier.allDone, samples: run!.copier.samples };
}
