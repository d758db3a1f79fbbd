/**
 * The bare pair of bench:events (b) for each client library (`--client`): a producer configured as
 * the bus configures its own (idempotent, one request in flight, acks=all) sending one record per
 * event (the bus's record bytes; kafkajs with the tenant partitioner, the others with the partition
 * from `partitionForKey`), and a consumer group that notes `now - sentAt` per message (auto-commit,
 * the library's defaults otherwise).
 */
import confluent from '@confluentinc/kafka-javascript';
import { Consumer, Producer, ProduceAcks, type Message } from '@platformatic/kafka';
import { partitionForKey, type OutgoingRecord } from '@switchyard/kafka';
import { bareRecord } from '../events/bench-events.js';
import { latencyPayload, startBareLatency, type LatencyContender, type LatencyPayload, type LatencySetup } from '../events/latency.contenders.js';
import type { BenchKafka } from '../worker/bench-kafka.js';
import type { BenchClient } from './bench-clients.js';

const { KafkaJS } = confluent;

type BareLatencySetup = LatencySetup & { readonly topic: string; readonly groupId: string };

const asBuffer = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
const headersOf = (r: OutgoingRecord) => Object.fromEntries(Object.entries(r.headers ?? {}).map(([name, v]) => [name, asBuffer(v)]));
/** platformatic's header keys are Buffers too (no serializers configured). */
const headerMapOf = (r: OutgoingRecord) => new Map(Object.entries(r.headers ?? {}).map(([name, v]) => [Buffer.from(name, 'utf8'), asBuffer(v)]));
const noted = (latencies: Map<number, number>, value: Buffer | null | undefined) => {
  const now = performance.now();
  const { i, sentAt } = JSON.parse(value?.toString('utf8') ?? 'null') as LatencyPayload;
  latencies.set(i, now - sentAt);
};

/** @confluentinc/kafka-javascript, KafkaJS-compatible API: `send` per event, `eachMessage`. */
async function startConfluent(k: BenchKafka, setup: BareLatencySetup): Promise<LatencyContender> {
  const latencies = new Map<number, number>();
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: k.bootstrap.split(','), clientId: 'switchyard-bench-bare', logLevel: KafkaJS.logLevel.ERROR } });
  const producer = kafka.producer({ kafkaJS: { idempotent: true, maxInFlightRequests: 1, acks: -1 } });
  const consumer = kafka.consumer({ kafkaJS: { groupId: setup.groupId, fromBeginning: true, sessionTimeout: 30_000, heartbeatInterval: 3_000 } });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [setup.topic] });
  await consumer.run({ partitionsConsumedConcurrently: setup.partitions, eachMessage: async ({ message }) => noted(latencies, message.value) });
  return {
    latencies,
    publish: async (i, sentAt) => {
      const r = bareRecord(setup.domain, i, setup.tenants, latencyPayload(i, sentAt));
      await producer.send({ topic: setup.topic, messages: [{ key: r.key ?? null, value: r.value, partition: partitionForKey(r.key ?? '', setup.partitions), headers: headersOf(r) }] });
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** @platformatic/kafka: `Producer.send` per event, a consumer's message stream with autocommit. */
async function startPlatformatic(k: BenchKafka, setup: BareLatencySetup): Promise<LatencyContender> {
  const latencies = new Map<number, number>();
  const brokers = k.bootstrap.split(',');
  const producer = new Producer({ clientId: 'switchyard-bench-bare', bootstrapBrokers: brokers, idempotent: true, acks: ProduceAcks.ALL, autocreateTopics: false });
  const consumer = new Consumer({ groupId: setup.groupId, clientId: 'switchyard-bench-bare', bootstrapBrokers: brokers, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const stream = await consumer.consume({ topics: [setup.topic], mode: 'committed', fallbackMode: 'earliest', autocommit: true, maxWaitTime: 100 });
  stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => noted(latencies, message.value));
  return {
    latencies,
    publish: async (i, sentAt) => {
      const r = bareRecord(setup.domain, i, setup.tenants, latencyPayload(i, sentAt));
      const key = r.key == null ? undefined : asBuffer(r.key);
      await producer.send({ messages: [{ topic: setup.topic, key, value: r.value == null ? undefined : asBuffer(r.value), partition: partitionForKey(r.key ?? '', setup.partitions), headers: headerMapOf(r) }] });
    },
    close: async () => {
      await stream.close();
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
      await producer.close();
    },
  };
}

/** The bare latency pair of `client`. */
export function startBareLatencyWith(client: BenchClient, k: BenchKafka, setup: BareLatencySetup): Promise<LatencyContender> {
  if (client === 'confluent') return startConfluent(k, setup);
  if (client === 'platformatic') return startPlatformatic(k, setup);
  return startBareLatency(k, setup);
}
