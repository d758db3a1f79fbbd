/**
 * Reads topic partitions from given positions without committing anything: a consumer of a
 * throwaway group of its own (kafkajs and the port have no group-less fetch; the replay engine
 * reads the same way), deleted when the reader stops. On every group join it seeks each assigned
 * partition to where it has read up to, so a rebalance never skips or repeats a record. Batches
 * come in offset order per partition; `position` is the next offset per partition (after the
 * batch's last entry, transaction markers included).
 */
import { randomUUID } from 'node:crypto';
import { throwawayConsumer, throwawayGroup, type ConsumerPort, type KafkaClient, type Logger, type RecordBatch } from '@switchyard/kafka';
import { partitionKey } from '../position/stream-cursor.js';

export interface PartitionReaderOptions {
  readonly client: KafkaClient;
  /** Next offset to read per partition (keys: `partitionKey`); partitions not listed are not read. */
  readonly start: ReadonlyMap<string, bigint>;
  /** Handed every batch past the start positions, one at a time. */
  readonly onBatch: (batch: RecordBatch) => void;
  readonly log: Logger;
  /** Called when the consumer failed for good (the adapter does not restart it); the reader is then dead: stop it and start another from its positions. */
  readonly onFailed?: (error: Error) => void;
  /** How long the broker holds an empty fetch (ms): the live reader's latency floor when idle is not affected, a fetch answers as soon as data comes. */
  readonly maxWaitTimeMs?: number;
}

export class PartitionReader {
  readonly #options: PartitionReaderOptions;
  readonly #position: Map<string, bigint>;
  /** When each partition's last batch came, and its high watermark then (a trailing transaction marker is never handed out). */
  readonly #seen = new Map<string, { at: number; highWatermark: bigint }>();
  #consumer: ConsumerPort | undefined;
  /** When the reader first joined its group (partitions assigned and positioned). */
  joinedAt: number | undefined;

  constructor(options: PartitionReaderOptions) {
    this.#options = options;
    this.#position = new Map(options.start);
  }

  /** Where the reader is: the next offset of every partition it reads. */
  positions(): Map<string, bigint> {
    return new Map(this.#position);
  }

  /** Next offset to read of the partition. */
  position(topic: string, partition: number): bigint | undefined {
    return this.#position.get(partitionKey(topic, partition));
  }

  /** High watermark and time of the partition's last batch. */
  lastSeen(topic: string, partition: number): { at: number; highWatermark: bigint } | undefined {
    return this.#seen.get(partitionKey(topic, partition));
  }

  async start(): Promise<void> {
    const topics = [...new Set([...this.#position.keys()].map((k) => k.slice(0, k.lastIndexOf('\u0000'))))];
    if (topics.length === 0) return;
    const consumer = throwawayConsumer(this.#options.client, { groupId: throwawayGroup('scan', `realtime-${randomUUID()}`), maxWaitTimeMs: this.#options.maxWaitTimeMs ?? 500, readCommitted: true }, { log: this.#options.log });
    this.#consumer = consumer;
    await consumer.connect();
    consumer.onGroupJoin(({ assignment }) => {
      this.joinedAt ??= Date.now();
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const at = this.#position.get(partitionKey(topic, partition));
          if (at === undefined) consumer.pause([{ topic, partitions: [partition] }]);
          else consumer.seek({ topic, partition, offset: at.toString() });
        }
      }
    });
    consumer.onCrash((error, restart) => {
      this.#options.log.warn({ err: error, restart }, 'realtime reader crashed');
      if (!restart) this.#options.onFailed?.(error);
    });
    await consumer.subscribe(topics, { fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch) => {
        const key = partitionKey(batch.topic, batch.partition);
        const at = this.#position.get(key);
        if (at === undefined) return;
        this.#seen.set(key, { at: Date.now(), highWatermark: BigInt(batch.highWatermark) });
        const records = batch.records.filter((r) => BigInt(r.offset) >= at);
        const after = BigInt(batch.lastOffset) + 1n;
        if (after > at) this.#position.set(key, after);
        if (records.length > 0 || after > at) this.#options.onBatch({ ...batch, records });
      },
    });
  }

  /** Stops reading and deletes the group. */
  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
  }
}
