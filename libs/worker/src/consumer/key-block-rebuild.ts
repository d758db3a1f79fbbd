import { decodeTaskEnvelope, RETRY_TIERS, retryTopic, TASK_HEADERS, type IncomingRecord, type KafkaClient, type Logger } from '@switchyard/kafka';
import type { QueueRuntime } from './queue-runtime.js';
import { readUncommitted } from './uncommitted-reader.js';
import { orderingKeyOf } from './work-item.js';

/** How long an assignment waits for the delay tiers to be read before the queue goes on without them. */
const REBUILD_TIMEOUT_MS = 30_000;

/** One key blocked in the delay tiers: its tasks in the order they must run, and when its head is due. */
export interface BlockedKey {
  readonly partition: number;
  readonly fifo: readonly string[];
  readonly headNotBefore: number | undefined;
}

/** A delay-tier record that blocks its key (see {@link waitingOf}). */
export interface Waiting {
  readonly key: string;
  readonly taskId: string;
  readonly partition: number;
  readonly parked: boolean;
  readonly timestamp: number;
  readonly offset: bigint;
  readonly notBefore: number | undefined;
}

/**
 * What an uncommitted delay-tier record stands for in the ordered-retry blocks: a task in the retry
 * path (a failed attempt: attempt > 0) heads its key; a task parked behind a head (the
 * parked-behind header) follows it. Undefined for records that block nothing: moved tasks that
 * were only not due yet (attempt 0, not parked, as in memory), tasks without a key, undecodable.
 */
export function waitingOf(record: IncomingRecord): Waiting | undefined {
  const decoded = decodeTaskEnvelope(record);
  if (!decoded.ok) return undefined;
  const { envelope } = decoded;
  const key = orderingKeyOf(envelope);
  const parked = record.headers[TASK_HEADERS.parkedBehind] !== undefined;
  if (key === undefined || (!parked && envelope.attempt === 0)) return undefined;
  const notBefore = envelope.notBefore ? Date.parse(envelope.notBefore) : undefined;
  return { key, taskId: envelope.taskId, partition: record.partition, parked, timestamp: Number(record.timestamp), offset: BigInt(record.offset), notBefore };
}

/** The blocks of the waiting tasks of {@link waitingOf}: per key, heads first, then parked tasks in the order they were parked. */
export function blockedKeysOf(records: readonly IncomingRecord[]): Map<string, BlockedKey> {
  return blocksOf(records.flatMap((record) => waitingOf(record) ?? []));
}

function blocksOf(waiting: Waiting[]): Map<string, BlockedKey> {
  // Heads first, then parked tasks by when they were parked (record time, then offset).
  waiting.sort((a, b) => Number(a.parked) - Number(b.parked) || a.timestamp - b.timestamp || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  const keys = new Map<string, BlockedKey>();
  for (const w of waiting) {
    const known = keys.get(w.key);
    if (!known) keys.set(w.key, { partition: w.partition, fifo: [w.taskId], headNotBefore: w.notBefore });
    else if (!known.fifo.includes(w.taskId)) keys.set(w.key, { ...known, fifo: [...known.fifo, w.taskId] });
  }
  return keys;
}

/**
 * After an assignment: the ordered-retry blocks of the partitions newly owned (`partitions` of the
 * queue's lanes; a key's lane and delay-tier partitions are co-partitioned, so they are here too),
 * rebuilt from the uncommitted records of their delay tiers. Key blocks live in memory; without
 * this, after a crash, restart or rebalance a later task of a key overtook one waiting in a tier.
 * Never rejects: a read that fails or times out is logged, and the queue goes on without it.
 */
export async function rebuildKeyBlocks(client: KafkaClient, groupId: string, q: QueueRuntime, partitions: readonly number[], log: Logger): Promise<void> {
  if (!q.runtime.ordered || partitions.length === 0) return;
  const tiers = RETRY_TIERS.flatMap((tier) => partitions.map((partition) => ({ topic: retryTopic(q.config.name, tier), partition })));
  try {
    const waiting: Waiting[] = [];
    const complete = await readUncommitted(client, groupId, tiers, (record) => {
      const w = waitingOf(record);
      if (w) waiting.push(w);
    }, REBUILD_TIMEOUT_MS);
    if (!complete) log.error({ queue: q.config.name, partitions }, 'the delay tiers were not read to their end in time: ordered retries may be overtaken on these partitions');
    const keys = blocksOf(waiting);
    for (const [key, blocked] of keys) {
      for (const taskId of blocked.fifo) q.blocks.enqueue(key, taskId, blocked.partition);
      if (blocked.headNotBefore !== undefined && !q.headNotBefore.has(key)) q.headNotBefore.set(key, blocked.headNotBefore);
    }
    if (keys.size > 0) log.info({ queue: q.config.name, partitions, keys: keys.size }, 'ordered-retry blocks rebuilt from the delay tiers');
  } catch (error) {
    log.error({ err: error, queue: q.config.name, partitions }, 'reading the delay tiers failed: ordered retries may be overtaken on these partitions');
  }
}
