import type { Consumer, fetchV17 } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { BatchControl, ConsumerRunOptions, RecordBatch, TopicPartitions } from '../kafka-client.port.js';
import { fetchOrder } from './fetch-order.js';
import { fetchRaw, fetchUnfiltered } from './fetch-request.js';
import { RawRecordsUnreadable, toRawRecordBatch, toRecordBatch, type SkippedBatch } from './fetched-batch.js';
import { protocolErrorId, withDeadline } from './platformatic.errors.js';

export interface Assigned {
  readonly topic: string;
  readonly partition: number;
}

export interface FetchLoopOptions {
  readonly run: ConsumerRunOptions;
  readonly readCommitted: boolean;
  readonly fromBeginning: boolean;
  readonly maxBytesPerPartition: number;
  /** The most one Fetch answer may hold over all its partitions (Kafka's `fetch.max.bytes`). */
  readonly maxBytes: number;
  /** How long the broker may hold a Fetch for `minBytes` to arrive. */
  readonly maxWaitTimeMs: number;
  readonly minBytes: number;
  readonly log: Logger;
  readonly onCrash: (error: Error, restart: boolean) => void;
  /** The longest one library call (metadata, fetch, offsets) may take before it fails with SY_KAFKA_UNAVAILABLE. */
  readonly deadlineMs: number;
}

/** What the hand-over reads of a fetched partition, parsed (fetchUnfiltered) or raw (fetchRaw). */
interface FetchedPartition {
  readonly partitionIndex: number;
  readonly lastStableOffset: bigint;
  readonly abortedTransactions: readonly { readonly producerId: bigint; readonly firstOffset: bigint }[] | null;
  readonly records?: unknown;
}

const EARLIEST = -2n;
const LATEST = -1n;
/** Pause after a failed fetch or eachBatch before the partition is fetched again. */
const RETRY_BACKOFF_MS = 500;

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The fetch loop of one consumer: positions per assigned partition, one Fetch per partition
 * leader per round, batches handed to eachBatch (up to `partitionsConsumedConcurrently` at once)
 * only while the partition is assigned and not paused. A position moves when eachBatch returns:
 * to `lastOffset + 1` with autoResolve, else past the last resolved offset; a seek or a new
 * assignment during the batch wins over it.
 */
export class FetchLoop {
  /** The library consumer of the moment (the group client may be replaced, see PlatformaticConsumer). */
  readonly #consumer: () => Consumer;
  readonly #options: FetchLoopOptions;
  #positions = new Map<string, bigint>();
  #assigned = new Map<string, Assigned>();
  /** Bumped on every seek of a partition and every assignment: a batch of an older epoch is stale. */
  #epochs = new Map<string, number>();
  #assignment = 0;
  readonly #pausedTopics = new Set<string>();
  readonly #pausedPartitions = new Map<string, Assigned>();
  #running = false;
  #suspended = true;
  #done: Promise<void> = Promise.resolve();
  #inFlight = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  /** Set once an answer could not be read raw (`RawRecordsUnreadable`): records come parsed from then on. */
  #parsedOnly = false;
  /** Rounds so far: partitions of equal fetch rank take turns leading a Fetch (fetch-order.ts). */
  #turn = 0;
  assignmentKey = '';

  constructor(consumer: () => Consumer, options: FetchLoopOptions) {
    this.#consumer = consumer;
    this.#options = options;
  }

  start(): void {
    this.#running = true;
    this.#done = this.#loop().catch((error: unknown) => {
      this.#options.log.error({ err: error }, 'fetch loop failed');
      this.#options.onCrash(error as Error, false);
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#done;
    await Promise.all(this.#inFlight);
  }

  /** No new batch is handed out until `resumeFetching`; resolves when those in flight are done (or after `timeoutMs`). */
  async suspend(timeoutMs: number): Promise<void> {
    this.#suspended = true;
    this.#assignment++;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.#inFlight), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]).finally(() => clearTimeout(timer));
  }

  resumeFetching(): void {
    this.#suspended = false;
    this.#wake?.();
  }

  /** Takes a new assignment: positions from the group's committed offsets, else earliest/latest. */
  async assign(partitions: readonly Assigned[], key: string): Promise<void> {
    this.#suspended = true;
    this.#assignment++;
    this.assignmentKey = key;
    this.#assigned = new Map(partitions.map((p) => [tp(p.topic, p.partition), p]));
    this.#positions = new Map();
    if (partitions.length === 0) return;
    const topics = groupByTopic(partitions);
    const committed = await this.#bounded('listCommittedOffsets', () => this.#consumer().listCommittedOffsets({ topics: topics.map(([topic, list]) => ({ topic, partitions: list })) }));
    const missing: Assigned[] = [];
    for (const p of partitions) {
      const offset = committed.get(p.topic)?.[p.partition] ?? -1n;
      if (offset >= 0n) this.#positions.set(tp(p.topic, p.partition), offset);
      else missing.push(p);
    }
    await this.#reset(missing);
  }

  /** Positions of `partitions` from the subscription's reset policy (earliest with fromBeginning, else latest). */
  async #reset(partitions: readonly Assigned[]): Promise<void> {
    if (partitions.length === 0) return;
    const topics = groupByTopic(partitions);
    const listed = await this.#bounded('listOffsets', () =>
      this.#consumer().listOffsets({
        topics: topics.map(([topic]) => topic),
        partitions: Object.fromEntries(topics),
        timestamp: this.#options.fromBeginning ? EARLIEST : LATEST,
      }),
    );
    for (const p of partitions) {
      const offset = listed.get(p.topic)?.[p.partition];
      if (offset !== undefined) this.#positions.set(tp(p.topic, p.partition), offset);
    }
  }

  #bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    return withDeadline(what, this.#options.deadlineMs, call);
  }

  seek(topic: string, partition: number, offset: bigint): void {
    const key = tp(topic, partition);
    this.#positions.set(key, offset);
    this.#epochs.set(key, (this.#epochs.get(key) ?? 0) + 1);
    this.#wake?.();
  }

  pause(partitions: readonly TopicPartitions[]): void {
    for (const { topic, partitions: list } of partitions) {
      if (!list) this.#pausedTopics.add(topic);
      else for (const partition of list) this.#pausedPartitions.set(tp(topic, partition), { topic, partition });
    }
  }

  resume(partitions: readonly TopicPartitions[]): void {
    for (const { topic, partitions: list } of partitions) {
      if (!list) {
        this.#pausedTopics.delete(topic);
        for (const [key, p] of this.#pausedPartitions) if (p.topic === topic) this.#pausedPartitions.delete(key);
      } else for (const partition of list) this.#pausedPartitions.delete(tp(topic, partition));
    }
    this.#wake?.();
  }

  paused(): TopicPartitions[] {
    const out = new Map<string, number[]>();
    for (const topic of this.#pausedTopics) out.set(topic, []);
    for (const p of this.#pausedPartitions.values()) if (!this.#pausedTopics.has(p.topic)) out.set(p.topic, [...(out.get(p.topic) ?? []), p.partition]);
    return [...out].map(([topic, list]) => (this.#pausedTopics.has(topic) ? { topic } : { topic, partitions: list.sort((a, b) => a - b) }));
  }

  #isPaused(topic: string, partition: number): boolean {
    return this.#pausedTopics.has(topic) || this.#pausedPartitions.has(tp(topic, partition));
  }

  /** Assigned, unpaused partitions with a position, in this round's fetch order. */
  #fetchable(): Assigned[] {
    if (this.#suspended) return [];
    const ready = [...this.#assigned.values()].filter((p) => !this.#isPaused(p.topic, p.partition) && this.#positions.has(tp(p.topic, p.partition)));
    return fetchOrder(ready, this.#options.run.fetchRank, this.#turn++);
  }

  async #idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      const targets = this.#fetchable();
      if (targets.length === 0) {
        await this.#idle(100);
        continue;
      }
      try {
        await this.#round(targets);
      } catch (error) {
        if (!this.#running) return;
        await this.#onFetchError(error, targets);
      }
    }
  }

  async #onFetchError(error: unknown, targets: readonly Assigned[]): Promise<void> {
    const id = protocolErrorId(error);
    if (id === 'OFFSET_OUT_OF_RANGE') {
      this.#options.log.warn({ err: error }, 'fetch position out of range: reset by the subscription policy');
      await this.#reset(targets).catch(() => undefined);
      return;
    }
    this.#consumer().clearMetadata();
    this.#options.log.warn({ err: error, error: id }, 'fetch failed; retrying');
    await delay(RETRY_BACKOFF_MS);
  }

  /** One Fetch per leader (in parallel), then the batches of every answer. */
  async #round(targets: readonly Assigned[]): Promise<void> {
    const topics = [...new Set(targets.map((t) => t.topic))];
    const metadata = await this.#bounded('metadata', () => this.#consumer().metadata({ topics }));
    const byLeader = new Map<number, Assigned[]>();
    for (const t of targets) {
      const leader = metadata.topics.get(t.topic)?.partitions[t.partition]?.leader ?? -1;
      if (leader < 0) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), t]);
    }
    if (byLeader.size === 0) {
      this.#consumer().clearMetadata();
      await delay(RETRY_BACKOFF_MS);
      return;
    }
    const assignment = this.#assignment;
    await Promise.all(
      [...byLeader].map(async ([node, partitions]) => {
        const requested = new Map(partitions.map((p) => [tp(p.topic, p.partition), this.#positions.get(tp(p.topic, p.partition))!]));
        const request: fetchV17.FetchRequestTopic[] = groupByTopic(partitions).map(([topic, list]) => ({
          topicId: metadata.topics.get(topic)!.id,
          partitions: list.map((partition) => ({
            partition,
            fetchOffset: requested.get(tp(topic, partition))!,
            partitionMaxBytes: this.#options.maxBytesPerPartition,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          })),
        }));
        const broker = metadata.brokers.get(node);
        if (!broker) throw new Error(`broker ${node}, leader of ${partitions.length} assigned partitions, is not in the cluster metadata`);
        const names = new Map([...metadata.topics].map(([name, t]) => [t.id, name]));
        const fetchRequest = {
          topics: request,
          isolationLevel: this.#options.readCommitted ? 1 : 0,
          maxWaitMs: this.#options.maxWaitTimeMs,
          minBytes: this.#options.minBytes,
          maxBytes: this.#options.maxBytes,
          topicNames: names,
        } as const;
        if (this.#options.run.rawRecords && !this.#parsedOnly) {
          // Undefined from a broker older than Fetch v13: records come parsed then.
          const raw = await this.#bounded('fetch', () => fetchRaw(this.#consumer(), broker, fetchRequest));
          // Every batch of an answer is read before any is handed over: an unreadable one fails the
          // whole answer, which is then fetched again parsed (and every later one too).
          if (raw) {
            try {
              return await this.#handOver(raw, names, requested, assignment, toRawRecordBatch);
            } catch (error) {
              if (!(error instanceof RawRecordsUnreadable)) throw error;
              this.#parsedOnly = true;
              this.#options.log.warn({ err: error }, 'fetched records cannot be read in place; this consumer reads them parsed from now on');
            }
          }
        }
        const response = await this.#bounded('fetch', () => fetchUnfiltered(this.#consumer(), broker, fetchRequest));
        await this.#handOver(response, names, requested, assignment, toRecordBatch);
      }),
    );
  }

  async #handOver<P extends FetchedPartition>(
    response: { readonly responses: readonly { readonly topicId: string; readonly partitions: readonly P[] }[] },
    names: Map<string, string>,
    requested: Map<string, bigint>,
    assignment: number,
    toBatch: (topic: string, partition: P, fetchOffset: bigint, readCommitted: boolean, skipped?: SkippedBatch[]) => ReturnType<typeof toRecordBatch>,
  ): Promise<void> {
    const work: (() => Promise<void>)[] = [];
    for (const topicResponse of response.responses) {
      const topic = names.get(topicResponse.topicId);
      if (topic === undefined) continue;
      for (const partition of topicResponse.partitions) {
        const key = tp(topic, partition.partitionIndex);
        const fetchOffset = requested.get(key);
        if (fetchOffset === undefined) continue;
        // What read_committed leaves out is collected only for the debug log (no allocation per answer otherwise).
        const skipped: SkippedBatch[] | undefined = this.#options.readCommitted && this.#options.log.isLevelEnabled('debug') ? [] : undefined;
        const fetched = toBatch(topic, partition, fetchOffset, this.#options.readCommitted, skipped);
        if (skipped && skipped.length > 0) this.#logSkipped(topic, partition, fetchOffset, skipped);
        if (!fetched) continue;
        const epoch = this.#epochs.get(key) ?? 0;
        if (!fetched.batch) {
          // Markers or aborted records only: move past them without a batch.
          if (this.#current(key, epoch, assignment)) this.#positions.set(key, fetched.nextOffset);
          continue;
        }
        const batch = fetched.batch;
        work.push(() => this.#deliver(key, batch, epoch, assignment));
      }
    }
    const limit = Math.max(1, this.#options.run.partitionsConsumedConcurrently ?? 1);
    for (let i = 0; i < work.length; i += limit) await Promise.all(work.slice(i, i + limit).map((deliver) => deliver()));
  }

  /** What read_committed left out of one answer, and the broker's list it went by (a post-mortem of a fault run reads it). */
  #logSkipped(topic: string, partition: FetchedPartition, fetchOffset: bigint, skipped: readonly SkippedBatch[]): void {
    const records = Array.isArray(partition.records) ? (partition.records as NonNullable<fetchV17.FetchResponsePartition['records']>) : [];
    this.#options.log.debug(
      {
        topic,
        partition: partition.partitionIndex,
        fetchOffset: String(fetchOffset),
        answer: records.length === 0 ? [] : [String(records[0]!.firstOffset), String(records[records.length - 1]!.firstOffset + BigInt(records[records.length - 1]!.lastOffsetDelta))],
        lastStableOffset: String(partition.lastStableOffset),
        aborted: (partition.abortedTransactions ?? []).map((a) => `${a.producerId}@${a.firstOffset}`),
        skipped: skipped.map((s) => `${s.producerId}/${s.producerEpoch}:${s.firstOffset}-${s.lastOffset}`),
      },
      'aborted transactions left out of a read_committed fetch',
    );
  }

  /** True while the partition's fetch position is still the one this batch was fetched from. */
  #current(key: string, epoch: number, assignment: number): boolean {
    return this.#running && assignment === this.#assignment && (this.#epochs.get(key) ?? 0) === epoch && this.#assigned.has(key);
  }

  async #deliver(key: string, batch: RecordBatch, epoch: number, assignment: number): Promise<void> {
    if (!this.#current(key, epoch, assignment) || this.#suspended || this.#isPaused(batch.topic, batch.partition)) return;
    let resolved: bigint | undefined;
    const control: BatchControl = {
      resolveOffset: (offset) => void (resolved = BigInt(offset)),
      heartbeat: async () => undefined,
      isRunning: () => this.#current(key, epoch, assignment),
      isStale: () => !this.#current(key, epoch, assignment),
    };
    const running = this.#options.run.eachBatch(batch, control).then(
      () => {
        if (!this.#current(key, epoch, assignment)) return;
        const autoResolve = this.#options.run.autoResolve ?? true;
        if (autoResolve) this.#positions.set(key, BigInt(batch.lastOffset) + 1n);
        else if (resolved !== undefined) this.#positions.set(key, resolved + 1n);
      },
      async (error: unknown) => {
        this.#options.log.error({ err: error, topic: batch.topic, partition: batch.partition }, 'eachBatch failed; the batch is fetched again');
        this.#options.onCrash(error as Error, true);
        await delay(RETRY_BACKOFF_MS);
      },
    );
    this.#inFlight.add(running);
    try {
      await running;
    } finally {
      this.#inFlight.delete(running);
    }
  }
}

function groupByTopic(partitions: readonly Assigned[]): [string, number[]][] {
  const map = new Map<string, number[]>();
  for (const p of partitions) map.set(p.topic, [...(map.get(p.topic) ?? []), p.partition]);
  return [...map];
}
