/**
 * A view of one queue's compacted status topic (`tasks.<queue>.status`): one consumer for the
 * view's lifetime folds every status record into the latest status per task id, so a read is a
 * map lookup after the view caught up with the topic's end at the time of the call (a status
 * written before `get` is seen by it). Front ends read through it (or {@link TaskStatusViews}, one
 * view per queue) instead of one throwaway consumer group per read. The consumer's group is
 * deleted on close.
 *
 * Limits: the whole compacted topic is held in memory (one record per live task id); a view
 * serves one queue.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeTaskStatus, partitionForKey, taskStatusTopic, throwawayConsumer, throwawayGroup, type AdminPort, type ConsumerPort, type KafkaClient, type RecordBatch, type TaskStatusRecord } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';

/** Options of {@link TaskStatusView}. */
export interface TaskStatusViewOptions {
  readonly client: KafkaClient;
  /** A connected admin (for the topic's end offsets at each read). */
  readonly admin: AdminPort;
  readonly queue: string;
  /** How long a read waits for the view to catch up before SY_KAFKA_UNAVAILABLE (ms, default 30000). */
  readonly catchUpTimeoutMs?: number;
}

/** How far the view has read one partition. */
interface PartitionProgress {
  /** Next offset to read (after the last entry fetched, markers included). */
  position: bigint;
  /** The broker's high watermark with the last batch. */
  highWatermark: bigint;
  /** When the last batch arrived (a trailing transaction marker is never handed out: quiet = done). */
  lastBatchAt: number;
}

/** A trailing transaction marker is never delivered: a partition quiet this long at its high watermark is caught up. */
const QUIET_MS = 1_000;

export class TaskStatusView {
  readonly #options: TaskStatusViewOptions;
  readonly #topic: string;
  readonly #latest = new Map<string, TaskStatusRecord>();
  readonly #progress = new Map<number, PartitionProgress>();
  #consumer: ConsumerPort | undefined;

  constructor(options: TaskStatusViewOptions) {
    this.#options = options;
    this.#topic = taskStatusTopic(options.queue);
  }

  /** Joins and starts folding the topic from its beginning. */
  async start(): Promise<void> {
    if (this.#consumer) return;
    const consumer = throwawayConsumer(this.#options.client, { groupId: throwawayGroup('status-reader', randomUUID()), maxWaitTimeMs: 200 });
    this.#consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([this.#topic], { fromBeginning: true });
    await consumer.run({ eachBatch: async (batch) => this.#fold(batch) });
  }

  /** The latest status of `taskId`, or undefined when it has none (after catching up with the topic's current end). */
  async get(taskId: string): Promise<TaskStatusRecord | undefined> {
    if (!this.#consumer) throw opsError('SY_INVALID_ARGUMENT', 'TaskStatusView.get() before start().', 'Call and await start() once, then get() as often as needed.');
    const offsets = await this.#options.admin.topicOffsets(this.#topic);
    const partition = partitionForKey(taskId, offsets.length);
    const at = offsets.find((o) => o.partition === partition);
    await this.#catchUp(partition, BigInt(at?.low ?? '0'), BigInt(at?.high ?? '0'));
    return this.#latest.get(taskId);
  }

  /**
   * The latest status of every task id in the topic (after catching up with every partition's
   * current end), in no particular order. Holds nothing new: a copy of the folded map's values.
   */
  async list(): Promise<TaskStatusRecord[]> {
    if (!this.#consumer) throw opsError('SY_INVALID_ARGUMENT', 'TaskStatusView.list() before start().', 'Call and await start() once, then list() as often as needed.');
    const offsets = await this.#options.admin.topicOffsets(this.#topic);
    await Promise.all(offsets.map((o) => this.#catchUp(o.partition, BigInt(o.low), BigInt(o.high))));
    return [...this.#latest.values()];
  }

  /** Stops the consumer and deletes its group. */
  async close(): Promise<void> {
    await this.#consumer?.disconnect();
    this.#consumer = undefined;
  }

  #fold(batch: RecordBatch): void {
    for (const record of batch.records) {
      const id = record.key?.toString('utf8');
      if (id === undefined) continue;
      if (record.value === null) this.#latest.delete(id);
      else {
        const status = decodeTaskStatus(record);
        if (status) this.#latest.set(id, status);
      }
    }
    this.#progress.set(batch.partition, { position: BigInt(batch.lastOffset) + 1n, highWatermark: BigInt(batch.highWatermark), lastBatchAt: Date.now() });
  }

  async #catchUp(partition: number, low: bigint, end: bigint): Promise<void> {
    const deadline = Date.now() + (this.#options.catchUpTimeoutMs ?? 30_000);
    while (!this.#caughtUp(partition, low, end)) {
      if (Date.now() > deadline) {
        throw opsError('SY_KAFKA_UNAVAILABLE', `The status view of ${this.#topic} did not reach offset ${end} of partition ${partition} in time.`, 'Check that the cluster is reachable (KAFKA_BROKERS) and try again.');
      }
      await sleep(20);
    }
  }

  #caughtUp(partition: number, low: bigint, end: bigint): boolean {
    if (end <= low) return true;
    const progress = this.#progress.get(partition);
    if (!progress) return false;
    return progress.position >= end || (progress.highWatermark >= end && Date.now() - progress.lastBatchAt > QUIET_MS);
  }
}
