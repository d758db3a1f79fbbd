import { ensureTopics, scanTopics, StateTopics, WEBHOOK_DELIVERIES_TOPIC, type KafkaClient, type Logger } from '@switchyard/kafka';
import { decodeDeliveryLogRecord, encodeDeliveryLogRecord, matchesDeliveryQuery, type DeliveryLogQuery, type DeliveryLogRecord } from '../log/webhook-delivery.v1.js';

/** The delivery log topic (its name is in the libs/kafka topic catalog). */
export { WEBHOOK_DELIVERIES_TOPIC };

export interface DeliveryLogTopicOptions {
  readonly topic?: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** How long attempts stay queryable (default 7 days). */
  readonly retentionMs?: number;
}

/**
 * Writes delivery log records (acknowledged by all in-sync replicas before `write` resolves; the
 * dispatcher awaits it before an event's outcome is committed, so every committed delivery has its
 * log records). Creates the topic (delete policy, `retentionMs`) when missing.
 */
export class DeliveryLogWriter {
  readonly topic: string;
  readonly #state: StateTopics;
  readonly #log: Logger | undefined;

  constructor(client: KafkaClient, { topic = WEBHOOK_DELIVERIES_TOPIC, partitions = 6, replicationFactor = 1, retentionMs = 7 * 86_400_000 }: DeliveryLogTopicOptions = {}, log?: Logger) {
    this.topic = topic;
    this.#log = log;
    this.#state = new StateTopics(client, [topic], (admin) => ensureTopics(admin, [{ topic, numPartitions: partitions, replicationFactor, configs: { 'cleanup.policy': 'delete', 'retention.ms': String(retentionMs) } }]));
  }

  connect(): Promise<void> {
    return this.#state.connect();
  }

  disconnect(): Promise<void> {
    return this.#state.disconnect();
  }

  /** Writes one record; a failure is logged, never thrown (the delivery itself happened). */
  async write(record: DeliveryLogRecord): Promise<void> {
    try {
      await this.#state.send([{ topic: this.topic, records: [encodeDeliveryLogRecord(record)] }]);
    } catch (error) {
      this.#log?.warn({ err: error, endpointId: record.endpointId, eventId: record.eventId, attempt: record.attempt }, 'delivery log record not written');
    }
  }
}

/**
 * The attempts matching a query (per endpoint, per event id, or both), oldest first, read by
 * scanning the delivery log topic to its end (a throwaway consumer, no group offsets kept).
 */
export async function queryDeliveryLog(client: KafkaClient, query: DeliveryLogQuery & { readonly limit?: number }, topic: string = WEBHOOK_DELIVERIES_TOPIC): Promise<DeliveryLogRecord[]> {
  const found: DeliveryLogRecord[] = [];
  await scanTopics(client, [topic], (incoming) => {
    const record = decodeDeliveryLogRecord(incoming);
    if (record && matchesDeliveryQuery(record, query)) found.push(record);
  });
  found.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.attempt - b.attempt);
  return query.limit === undefined ? found : found.slice(-query.limit);
}
