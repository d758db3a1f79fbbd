/**
 * ProducerPort over the binding's KafkaJS-compatible producer (librdkafka underneath): acks=all,
 * idempotent, Java murmur2 placement of keys; transactions whose offsets are fenced by the live
 * consumer behind `ConsumerGroupMetadata` (KIP-447).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { splitProduceBatch, type ProduceCaps } from '../produce-splitter.js';
import type { ConsumerGroupMetadata, ProducerPort, RecordAck, TopicPartitionOffset, TopicRecords, TransactionPort } from '../kafka-client.port.js';
import { kafkaCall, type Connector } from './confluent.errors.js';
import { libraryConsumerOf } from './confluent.group-metadata.js';

/** Makes the underlying producer, and an unsubscribed consumer of a group for unfenced offsets. */
export interface ProducerFactory {
  producer(): KafkaJS.Producer;
  groupHandle(groupId: string): KafkaJS.Consumer;
}

function toMessages(records: TopicRecords['records']): KafkaJS.Message[] {
  return records.map((r) => ({
    key: r.key ?? null,
    value: r.value,
    ...(r.headers ? { headers: { ...r.headers } } : {}),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
  })) as KafkaJS.Message[];
}

/** Sends a call as the requests splitProduceBatch makes of it, one after the other, and gathers their acks. */
async function sendSplit(producer: KafkaJS.Producer, batch: readonly TopicRecords[], caps: ProduceCaps): Promise<RecordAck[]> {
  const acks: RecordAck[] = [];
  for (const request of splitProduceBatch(batch, caps)) {
    const metadata = await kafkaCall(() => producer.sendBatch({ topicMessages: request.map((b) => ({ topic: b.topic, messages: toMessages(b.records) })) }));
    for (const m of metadata) acks.push({ topic: m.topicName, partition: m.partition, baseOffset: String(m.baseOffset ?? m.offset ?? '-1') });
  }
  return acks;
}

/** What Kafka answers a TxnOffsetCommit of a generation that is over (abortable). */
function staleGenerationError(groupId: string): Error {
  return Object.assign(new Error(`The consumer of group ${groupId} rebalanced after this group metadata was taken: its offsets are refused (fenced, KIP-447).`), {
    name: 'KafkaJSError',
    type: 'ILLEGAL_GENERATION',
    retriable: false,
    abortable: true,
  });
}

function byTopic(offsets: readonly TopicPartitionOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset });
    topics.set(o.topic, list);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

/**
 * librdkafka recovers abortable transaction errors itself (KIP-360), but a fatal one (fenced,
 * or a commit whose outcome is unknown after the binding's 5 s timeout) leaves the producer
 * unusable: such a producer is replaced before the next send or transaction; the new one's
 * InitProducerId (same transactional id) fences the old and aborts its open transaction.
 */
export class ConfluentProducer implements ProducerPort {
  readonly #factory: ProducerFactory;
  readonly #caps: ProduceCaps;
  readonly #connect: Connector;
  #producer: KafkaJS.Producer;
  #stale = false;
  #renewing: Promise<void> | undefined;
  readonly #groupHandles = new Map<string, Promise<KafkaJS.Consumer>>();

  constructor(factory: ProducerFactory, caps: ProduceCaps, connect: Connector) {
    this.#factory = factory;
    this.#caps = caps;
    this.#connect = connect;
    this.#producer = factory.producer();
  }

  connect(): Promise<void> {
    return this.#connect(() => this.#producer.connect());
  }

  async disconnect(): Promise<void> {
    const handles = [...this.#groupHandles.values()];
    this.#groupHandles.clear();
    await Promise.all(handles.map((h) => h.then((c) => c.disconnect()).catch(() => undefined)));
    await this.#producer.disconnect();
  }

  async send(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    if (this.#stale) await this.#renew();
    return this.#marking(sendSplit(this.#producer, batch, this.#caps));
  }

  async transaction(): Promise<TransactionPort> {
    if (this.#stale) await this.#renew();
    const producer = this.#producer;
    const tx = await this.#marking(kafkaCall(() => producer.transaction()));
    return {
      send: (batch) => this.#marking(sendSplit(tx, batch, this.#caps)),
      sendOffsets: (group, offsets) => this.#marking(this.#sendOffsets(tx, group, offsets)),
      commit: () => this.#marking(kafkaCall(() => tx.commit()), true),
      // A replaced producer's open transaction is aborted by its successor's InitProducerId.
      abort: async () => (this.#stale ? undefined : this.#marking(kafkaCall(() => tx.abort()), true)),
    };
  }

  async #sendOffsets(tx: KafkaJS.Producer, group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    // Fenced: librdkafka reads generation and member id from the live consumer at this moment.
    // Metadata without one (posted from a worker thread, or made up for a group no consumer runs)
    // goes through an unsubscribed consumer of the group: generation -1, not fenced (as kafkajs).
    const fence = libraryConsumerOf(group);
    if (fence && fence.rebalance !== fence.current()) throw staleGenerationError(group.groupId);
    const consumer = fence?.consumer ?? (await this.#groupHandle(group.groupId));
    await kafkaCall(() => tx.sendOffsets({ consumer, topics: byTopic(offsets) }));
  }

  #groupHandle(groupId: string): Promise<KafkaJS.Consumer> {
    let handle = this.#groupHandles.get(groupId);
    if (!handle) {
      const consumer = this.#factory.groupHandle(groupId);
      handle = this.#connect(() => consumer.connect()).then(() => consumer);
      handle.catch(() => this.#groupHandles.delete(groupId));
      this.#groupHandles.set(groupId, handle);
    }
    return handle;
  }

  /**
   * Marks the producer for replacement when `operation` fails fatally, or when a commit or abort
   * fails at all (the binding then still counts the transaction as open and refuses the next one).
   */
  #marking<T>(operation: Promise<T>, ending = false): Promise<T> {
    const producer = this.#producer;
    return operation.catch((error: unknown) => {
      const e = error as { fatal?: boolean; type?: string };
      if (producer === this.#producer && (ending || e.fatal === true || e.type === 'PRODUCER_FENCED')) this.#stale = true;
      throw error;
    });
  }

  #renew(): Promise<void> {
    this.#renewing ??= (async () => {
      const stale = this.#producer;
      await stale.disconnect().catch(() => undefined);
      const fresh = this.#factory.producer();
      await this.#connect(() => fresh.connect());
      this.#producer = fresh;
      this.#stale = false;
    })().finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }
}
