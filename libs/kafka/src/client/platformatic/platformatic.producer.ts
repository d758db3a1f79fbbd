import { compatibilityPartitioner, Producer, type MessageToProduce, type ProduceResult } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import type { ConsumerGroupMetadata, ProducerOptions, ProducerPort, RecordAck, TopicPartitionOffset, TopicRecords, TransactionPort } from '../kafka-client.port.js';
import { DEFAULT_PRODUCE_CAPS, splitProduceBatch, type ProduceCaps } from '../produce-splitter.js';
import { platformaticBaseOptions } from './platformatic.config.js';
import { withErrorType, type Connector } from './platformatic.errors.js';

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

/** Where a consumer group's coordinator is (TxnOffsetCommit goes to it). */
export type CoordinatorOf = (groupId: string) => Promise<number>;

function toMessages(batch: readonly TopicRecords[]): MessageToProduce[] {
  const messages: MessageToProduce[] = [];
  for (const { topic, records } of batch) {
    for (const r of records) {
      messages.push({
        topic,
        ...(r.key != null ? { key: typeof r.key === 'string' ? Buffer.from(r.key) : r.key } : {}),
        ...(r.value != null ? { value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value } : {}),
        // The library writes header names and values as given: both must be bytes.
        ...(r.headers ? { headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), typeof v === 'string' ? Buffer.from(v) : v])) } : {}),
        ...(r.partition !== undefined ? { partition: r.partition } : {}),
        ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
      } as MessageToProduce);
    }
  }
  return messages;
}

function toAcks(result: ProduceResult): RecordAck[] {
  return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, baseOffset: o.offset.toString() }));
}

/**
 * A producer on @platformatic/kafka: acks=all and idempotent (the library then keeps one request in
 * flight per connection), keyed records placed as Java does (`compatibilityPartitioner`:
 * toPositive(murmur2(key)) % partitions, what partitionForKey computes). Sends are serialized: the
 * library reads a partition's sequence number when it builds a batch and advances it only on the
 * answer, so two concurrent sends to one partition would reuse a sequence. A producer whose send or
 * commit failed is replaced before its next use (a new InitProducerId, same transactional id).
 */
export class PlatformaticProducer implements ProducerPort {
  readonly #settings: KafkaConnectionSettings;
  readonly #options: ProducerOptions;
  readonly #caps: ProduceCaps;
  readonly #connect: Connector;
  readonly #coordinatorOf: CoordinatorOf;
  readonly #logger: Logger;
  #producer: Producer;
  #stale = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(settings: KafkaConnectionSettings, options: ProducerOptions, connect: Connector, coordinatorOf: CoordinatorOf, logger: Logger) {
    this.#settings = settings;
    this.#options = options;
    this.#caps = options.maxBatchBytes ? { ...DEFAULT_PRODUCE_CAPS, maxTopicBytes: options.maxBatchBytes } : DEFAULT_PRODUCE_CAPS;
    this.#connect = connect;
    this.#coordinatorOf = coordinatorOf;
    this.#logger = logger;
    this.#producer = this.#create();
  }

  #create(): Producer {
    return new Producer({
      ...platformaticBaseOptions(this.#settings),
      idempotent: (this.#options.idempotent ?? true) || Boolean(this.#options.transactionalId),
      acks: -1,
      partitioner: compatibilityPartitioner,
      // Retriable errors (leader moves, coordinator loading) are retried for about 10 s, then surface.
      retries: 40,
      retryDelay: 250,
      ...(this.#options.transactionalId ? { transactionalId: this.#options.transactionalId } : {}),
    });
  }

  async connect(): Promise<void> {
    await this.#connect(() => this.#producer.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    await this.#queue.catch(() => undefined);
    await this.#producer.close();
  }

  /** Runs `operation` after every earlier one (see the class note), renewing a stale producer first. */
  #serial<T>(operation: (producer: Producer) => Promise<T>): Promise<T> {
    const run = this.#queue.catch(() => undefined).then(async () => {
      if (this.#stale) await this.#renew();
      try {
        return await operation(this.#producer);
      } catch (error) {
        this.#stale = true;
        throw withErrorType(error);
      }
    });
    this.#queue = run;
    return run;
  }

  async #renew(): Promise<void> {
    const stale = this.#producer;
    this.#producer = this.#create();
    this.#stale = false;
    await (stale.close(true) as unknown as Promise<void>).catch((error: unknown) => this.#logger.debug({ err: error }, 'closing a replaced producer failed'));
  }

  send(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    return this.#serial(async (producer) => {
      const acks: RecordAck[] = [];
      for (const request of splitProduceBatch(batch, this.#caps)) acks.push(...toAcks(await producer.send({ messages: toMessages(request), acks: -1 })));
      return acks;
    });
  }

  /**
   * A transaction holds the producer until it is committed or aborted (later sends and
   * transactions wait for it).
   */
  async transaction(): Promise<TransactionPort> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let begun!: (tx: Transaction) => void;
    let failed!: (error: unknown) => void;
    const started = new Promise<Transaction>((resolve, reject) => ((begun = resolve), (failed = reject)));
    this.#queue = this.#queue
      .catch(() => undefined)
      .then(async () => {
        if (this.#stale) await this.#renew();
        try {
          begun(await this.#producer.beginTransaction());
        } catch (error) {
          this.#stale = true;
          failed(withErrorType(error));
          return;
        }
        await held;
      });
    const tx = await started;
    const marking = async <T>(operation: () => Promise<T>): Promise<T> => {
      try {
        return await operation();
      } catch (error) {
        this.#stale = true;
        throw withErrorType(error);
      }
    };
    const ended = () => release();
    return {
      send: (batch) =>
        marking(async () => {
          const acks: RecordAck[] = [];
          for (const request of splitProduceBatch(batch, this.#caps)) acks.push(...toAcks(await tx.send({ messages: toMessages(request), acks: -1 })));
          return acks;
        }),
      sendOffsets: (group, offsets) => marking(() => this.#sendOffsets(tx, group, offsets)),
      commit: () => marking(() => tx.commit()).finally(ended),
      abort: () =>
        marking(() => tx.abort())
          .catch((error: unknown) => {
            // An abort that fails leaves nothing to undo on our side: the broker aborts on timeout.
            this.#logger.warn({ err: error }, 'aborting a transaction failed; the producer is replaced');
          })
          .finally(ended),
    };
  }

  /**
   * TxnOffsetCommit fenced by the group's generation and member id (KIP-447): the library's
   * `addOffset` takes them from a consumed message's metadata, so each offset goes as such a
   * message (offset - 1: the library commits offset + 1).
   */
  async #sendOffsets(tx: Transaction, group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    // addConsumer reads the group id only.
    await tx.addConsumer({ groupId: group.groupId } as Parameters<typeof tx.addConsumer>[0]);
    const coordinatorId = await this.#coordinatorOf(group.groupId);
    for (const o of offsets) {
      await tx.addOffset({
        topic: o.topic,
        partition: o.partition,
        offset: BigInt(o.offset) - 1n,
        metadata: { consumer: { groupId: group.groupId, generationId: group.generationId, memberId: group.memberId, coordinatorId } },
      } as unknown as Parameters<typeof tx.addOffset>[0]);
    }
  }
}
