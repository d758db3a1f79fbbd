/**
 * Contenders of (b): each publishes one event per call, carrying the publish call's time in its
 * payload, and notes `handler start - sentAt` per event id.
 */
import { createTenantPartitioner, type Logger } from '@switchyard/kafka';
import { createEventBus } from '@switchyard/events';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { bareRecord, busEvent, toKafkajsMessage } from './bench-events.js';

/** What every latency event carries: its id and `performance.now()` at the publish call. */
export interface LatencyPayload {
  readonly i: number;
  readonly sentAt: number;
  readonly data: string;
}

/** Pads the payload to about 1 KB of JSON, like the events of (a). */
const PAD = 'x'.repeat(1024 - '{"i":-12345,"sentAt":123456.78901234,"data":""}'.length);
export const latencyPayload = (i: number, sentAt: number): LatencyPayload => ({ i, sentAt, data: PAD });

export interface LatencyContender {
  /** Publishes event `i` stamped `sentAt`; resolves once acknowledged. */
  publish(i: number, sentAt: number): Promise<void>;
  /** Event id -> handler start minus sentAt (ms). */
  readonly latencies: ReadonlyMap<number, number>;
  close(): Promise<void>;
}

export interface LatencySetup {
  readonly domain: string;
  readonly tenants: number;
  readonly partitions: number;
  readonly concurrency: number;
}

/**
 * One Switchyard bus that both publishes (`bus.publish`, one event per call) and subscribes
 * (`<domain>.*`, default options apart from `eventLog`) in this process.
 */
export async function startSwitchyardLatency(k: BenchKafka, setup: LatencySetup & { readonly subscription: string; readonly eventLog: boolean }, log: Logger): Promise<LatencyContender> {
  const bus = createEventBus({ queue: { concurrency: setup.concurrency } }, { client: k.client, topology: { partitions: setup.partitions }, log });
  const latencies = new Map<number, number>();
  bus.subscribe(
    {
      id: 'latency',
      eventName: `${setup.domain}.*`,
      handler: (event) => {
        const now = performance.now();
        const { i, sentAt } = event.payload as LatencyPayload;
        latencies.set(i, now - sentAt);
      },
    },
    { name: setup.subscription, eventLog: setup.eventLog },
  );
  await bus.start();
  return {
    latencies,
    publish: async (i, sentAt) => {
      await bus.publish(busEvent(setup.domain, i, setup.tenants, latencyPayload(i, sentAt)));
    },
    close: () => bus.close(),
  };
}

/**
 * Bare kafkajs: a producer configured as the bus configures its own (idempotent, one request in
 * flight, acks=all, same partitioner), `producer.send` of one record per event (the bus's record
 * bytes), and a consumer group with `eachMessage` (auto-commit, kafkajs defaults otherwise).
 */
export async function startBareLatency(k: BenchKafka, setup: LatencySetup & { readonly topic: string; readonly groupId: string }): Promise<LatencyContender> {
  const latencies = new Map<number, number>();
  const producer = k.raw.producer({ createPartitioner: createTenantPartitioner, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = k.raw.consumer({ groupId: setup.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [setup.topic], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: setup.partitions,
    eachMessage: async ({ message }) => {
      const now = performance.now();
      const { i, sentAt } = JSON.parse(message.value?.toString('utf8') ?? 'null') as LatencyPayload;
      latencies.set(i, now - sentAt);
    },
  });
  return {
    latencies,
    publish: async (i, sentAt) => {
      const record = bareRecord(setup.domain, i, setup.tenants, latencyPayload(i, sentAt));
      await producer.send({ topic: setup.topic, acks: -1, messages: [toKafkajsMessage(record)] });
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
