/**
 * Runs a replay: reads the planned ranges with the replay's consumer group (kafkajs has no manual
 * assignment), seeking each assigned partition to its position on every group join and pausing
 * it once its range is read, and hands the batches to the RangeCopier.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumerPort, IncomingRecord, KafkaClient, ProducerPort } from '@switchyard/kafka';
import { replayTopicHeaders } from '../subscription/replay-record.js';
import { buildRecordFilter } from './record-filter.js';
import { RangeCopier } from './range-copier.js';
import { ReplayPacer } from './replay-pacer.js';
import type { ReplayPlan } from './replay-plan.js';
import { ReplayStats } from './replay-stats.js';
import { replayTransactionalId } from './replay.names.js';
import type { ReplayOptions } from './replay.options.js';

export interface ReplayRunHooks {
  /** Aborting stops after the transaction in flight; the run can be resumed later. */
  readonly signal: AbortSignal;
  readonly onProgress?: (stats: ReplayStats) => void;
}

export interface ReplayResult {
  readonly stats: ReplayStats;
  /** True when every range was read to its end. */
  readonly complete: boolean;
  /** Up to 5 matching records (dry run only). */
  readonly samples: readonly IncomingRecord[];
}

/** Short session: a rerun after a crash need not wait long for the dead member to leave. */
const SESSION_TIMEOUT_MS = 6_000;

async function startProducer(client: KafkaClient, options: ReplayOptions): Promise<ProducerPort | undefined> {
  if (options.dryRun) return undefined;
  // The same transactional id on every run of this replay: connecting fences an interrupted run
  // and aborts its open transaction, so its half-written chunk never becomes visible.
  const producer = client.producer({ transactionalId: replayTransactionalId(options.id), transactionTimeoutMs: 30_000 });
  await producer.connect();
  return producer;
}

function followAssignments(consumer: ConsumerPort, copier: RangeCopier, topic: string): void {
  consumer.onGroupJoin(({ assignment }) => {
    for (const partition of assignment[topic] ?? []) {
      const position = copier.position(partition);
      if (position !== undefined && !copier.isDone(partition)) consumer.seek({ topic, partition, offset: position.toString() });
      else consumer.pause([{ topic, partitions: [partition] }]);
    }
  });
}

/** Reads until every range is done, the signal aborts (after the chunk in flight) or a write fails. */
async function readRanges(consumer: ConsumerPort, copier: RangeCopier, plan: ReplayPlan, hooks: ReplayRunHooks, stats: ReplayStats): Promise<void> {
  let inFlight: Promise<unknown> = Promise.resolve();
  await new Promise<void>((resolve, reject) => {
    hooks.signal.addEventListener('abort', () => void inFlight.finally(resolve), { once: true });
    consumer.onCrash((error, restart) => (restart ? undefined : reject(error)));
    const eachBatch: Parameters<ConsumerPort['run']>[0]['eachBatch'] = async (batch, control) => {
      if (batch.topic !== plan.topic || copier.isDone(batch.partition) || hooks.signal.aborted) return;
      const work = copier.copy(batch, control);
      inFlight = work.catch(() => undefined);
      try {
        await work;
      } catch (error) {
        reject(error);
        return;
      }
      hooks.onProgress?.(stats);
      if (copier.isDone(batch.partition)) consumer.pause([{ topic: plan.topic, partitions: [batch.partition] }]);
      if (copier.allDone) resolve();
    };
    consumer.run({ eachBatch }).catch(reject);
  });
}

/** Copies (or, dry, counts) the plan's records; resolves when done or interrupted. */
export async function runReplay(client: KafkaClient, plan: ReplayPlan, options: ReplayOptions, hooks: ReplayRunHooks): Promise<ReplayResult> {
  const stats = new ReplayStats();
  const { subscription } = options;
  const producer = await startProducer(client, options);
  const copier = new RangeCopier({
    topic: plan.topic,
    toTopic: options.toTopic,
    group: plan.group,
    replayId: options.id,
    ranges: plan.partitions,
    matches: buildRecordFilter(options.filter),
    pacer: new ReplayPacer(options),
    stats,
    signal: hooks.signal,
    ...(producer ? { producer } : {}),
    ...(subscription ? { headersOf: (headers: Readonly<Record<string, Buffer>>) => replayTopicHeaders(headers, subscription.targetHandlers) } : {}),
  });
  // A dry run commits nothing, so it reads with a throwaway group and leaves the replay's alone.
  const groupId = options.dryRun ? `${plan.group}.dry-run.${randomUUID().slice(0, 8)}` : plan.group;
  const consumer = client.consumer({ groupId, sessionTimeoutMs: SESSION_TIMEOUT_MS, heartbeatIntervalMs: 1_000, maxWaitTimeMs: 500, readCommitted: true });
  try {
    if (!copier.allDone) {
      await consumer.connect();
      followAssignments(consumer, copier, plan.topic);
      await consumer.subscribe([plan.topic], { fromBeginning: true });
      await readRanges(consumer, copier, plan, hooks, stats);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
  return { stats, complete: copier.allDone, samples: copier.samples };
}
