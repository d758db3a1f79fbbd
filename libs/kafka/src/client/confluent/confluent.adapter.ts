/**
 * A {@link KafkaClient} backed by @confluentinc/kafka-javascript (librdkafka), through the
 * binding's KafkaJS-compatible API (see bench/README.md for why that API and not the native one).
 * The native addon is loaded at first use (confluent.module.ts).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { createLogger } from '../../logging/logger.js';
import { connectionSecurityWarnings } from '../connection-security.js';
import { createKafkajsClient } from '../kafkajs.adapter.js';
import { DEFAULT_PRODUCE_CAPS } from '../produce-splitter.js';
import type { ConsumerOptions, KafkaClient, ProducerOptions } from '../kafka-client.port.js';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import { ConfluentAdmin } from './confluent.admin.js';
import { commonConfig, consumerConfig, producerConfig } from './confluent.config.js';
import { ConfluentConsumer } from './confluent.consumer.js';
import type { Assignment } from './confluent.rebalance.js';
import { confluentConnector } from './confluent.errors.js';
import { confluentModule } from './confluent.module.js';
import { ConfluentProducer } from './confluent.producer.js';

/** Default bound of a revoke listener (the port's rebalance timeout, as kafkajs' default). */
const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;

/**
 * Finds this consumer's member id: the one member of the group whose assignment is exactly
 * `assignment` (the binding does not expose librdkafka's memberid(); members share the client id).
 * Undefined when no single member matches (e.g. several without partitions).
 */
async function memberIdOf(consumer: KafkaJS.Consumer, groupId: string, assignment: Assignment): Promise<string | undefined> {
  const mine = assignment.map((p) => `${p.topic}\u0000${p.partition}`).sort().join(',');
  // An admin over the consumer's own librdkafka handle: no connection of its own to open.
  const admin = consumer.dependentAdmin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const members = (groups[0]?.members ?? []) as unknown as { memberId: string; assignment?: { topicPartitions?: Assignment } }[];
    const matching = members.filter((m) => (m.assignment?.topicPartitions ?? []).map((p) => `${p.topic}\u0000${p.partition}`).sort().join(',') === mine);
    return matching.length === 1 ? matching[0]!.memberId : members.length === 1 ? members[0]!.memberId : undefined;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Producers are acks=all and idempotent, place keys as Java's murmur2 (partitionForKey), and fence
 * `sendOffsets` with the consumer behind the group metadata (KIP-447). Consumers await revoke
 * listeners inside the rebalance, use range assignment when `coPartitioned` (on the broker with
 * KAFKA_GROUP_PROTOCOL=consumer, KIP-848). Logs go to `logger`; connection-security warnings and
 * SY_KAFKA_AUTH_FAILED / SY_KAFKA_TLS_UNTRUSTED as with kafkajs.
 */
export function createConfluentClient(settings: KafkaConnectionSettings, logger: Logger = createLogger('kafka')): KafkaClient {
  for (const warning of connectionSecurityWarnings(settings)) logger.warn({ clientId: settings.clientId, brokers: settings.brokers }, warning);
  const connect = confluentConnector(settings);
  const groupProtocol = settings.groupProtocol ?? 'classic';
  let kafka: KafkaJS.Kafka | undefined;
  const library = (): KafkaJS.Kafka => (kafka ??= new (confluentModule().KafkaJS.Kafka)(commonConfig(settings, logger)));
  const groupHandle = (groupId: string) => library().consumer({ 'group.id': groupId, 'enable.auto.commit': false } as KafkaJS.ConsumerConstructorConfig);
  return {
    clientId: settings.clientId,
    settings,
    producer: (options: ProducerOptions = {}) => {
      const caps = options.maxBatchBytes ? { ...DEFAULT_PRODUCE_CAPS, maxTopicBytes: options.maxBatchBytes } : DEFAULT_PRODUCE_CAPS;
      return new ConfluentProducer({ producer: () => library().producer(producerConfig(options, settings.requestTimeoutMs, caps)), groupHandle }, caps, connect);
    },
    consumer: (options: ConsumerOptions) =>
      new ConfluentConsumer(
        options.groupId,
        (fromBeginning, rebalance) => library().consumer(consumerConfig(options, groupProtocol, fromBeginning, rebalance as never)),
        connect,
        options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
        (consumer, assignment) => memberIdOf(consumer, options.groupId, assignment),
      ),
    admin: () =>
      new ConfluentAdmin(
        {
          admin: library().admin(),
          groupHandle,
          // DescribeConfigs: librdkafka has it, the binding does not bind it.
          configsAdmin: () => createKafkajsClient(settings, logger.child({ for: 'describeTopicConfigs' })).admin(),
        },
        connect,
      ),
  };
}
