/**
 * The bare pair of bench:events (b) for each client library (`--client`): a producer configured as
 * the bus configures its own (idempotent, one request in flight, acks=all) sending one record per
 * event (the bus's record bytes; kafkajs with the tenant partitioner, platformatic with the partition
 * from `partitionForKey`), and a consumer group that notes `now - sentAt` per message (auto-commit,
 * the library's defaults otherwise).
 */
import { Consumer, Producer, ProduceAcks, type Message } from '@platformatic/kafka';
import { partitionForKey, type OutgoingRecord } from '@switchyard/kafka';
import { bareRecord } from '../events/bench-events.js';
import { latencyPayload, startBareLatency, type LatencyContender, type LatencyPayload, type LatencySetup } from '../events/latency.contenders.js';
import type { BenchKafka } from '../worker/bench-kafka.js';
import type { BenchClient } from './bench-clients.js';

type BareLatencySetup = LatencySetup & { readonly topic: string; readonly groupId: string };

const asBuffer = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
/** platformatic's header keys and values are Buffers (no serializers configured). */
const headerMapOf = (r: OutgoingRecord) => new Map(Object.entries(r.headers ?? {}).map(([name, v]) => [Buffer.from(name, 'utf8'), asBuffer(v)]));
const noted = (latencies: Map<number, number>, value: Buffer | null | undefined) => {
  const now = performance.now();
  const { i, sentAt } = JSON.parse(value?.toString('utf8') ?? 'null') as LatencyPayload;
  latencies.set(i, now - sentAt);
};

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
  if (client === 'platformatic') return startPlatformatic(k, setup);
  return startBareLatency(k, setup);
}
