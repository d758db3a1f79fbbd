/**
 * Shared parts of the port contract suite (kafka-client.port.int.test.ts): which adapters run,
 * what each one is known to do, and helpers that build fresh topics, groups and recording
 * consumers on the real broker. Everything made here is cleaned up when the test finishes.
 */
import { expect, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import { testAdmin, testBrokers, uniqueName, type TestAdmin } from '@switchyard/testing';
import { createLogger } from '../../logging/logger.js';
import { createKafkaClient, registeredKafkaClients } from '../create-kafka-client.js';
import { KAFKA_CLIENTS, kafkaSettingsFromEnv, type KafkaClientName } from '../kafka.options.js';
import type {
  BatchControl,
  ConsumerOptions,
  ConsumerPort,
  ConsumerRunOptions,
  GroupAssignment,
  KafkaClient,
  ProducerOptions,
  ProducerPort,
  RecordBatch,
} from '../kafka-client.port.js';

/**
 * What an adapter is known to do where the port lets (or the library forces) behaviour differ.
 * Tests assert each row either way, so the table of behaviour stays explicit.
 */
export interface AdapterCapabilities {
  /** TxnOffsetCommit carries generation and member id (KIP-447): a stale member's commit is refused. */
  readonly fences: boolean;
  /** The rebalance waits for the onPartitionsRevoked listener's promise. */
  readonly awaitsRevoke: boolean;
  /** groupMetadata() reports the real generation (else -1). */
  readonly exposesGeneration: boolean;
}

export const CAPABILITIES: Readonly<Record<KafkaClientName, AdapterCapabilities>> = {
  // kafkajs 2.2.4: TxnOffsetCommit without generation/member, no revoke hook, generation kept private.
  kafkajs: { fences: false, awaitsRevoke: false, exposesGeneration: false },
  platformatic: { fences: true, awaitsRevoke: true, exposesGeneration: true },
};

const ClientListSchema = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.enum(KAFKA_CLIENTS, { message: `each must be one of ${KAFKA_CLIENTS.join(', ')}` })).min(1, 'must name at least one client'));

/** `KAFKA_PORT_TEST_CLIENTS` (comma list) when set, else every adapter this build registers. */
export function clientsUnderTest(env: Record<string, string | undefined> = process.env): KafkaClientName[] {
  const raw = env.KAFKA_PORT_TEST_CLIENTS;
  if (raw === undefined || raw.trim() === '') return registeredKafkaClients();
  const parsed = ClientListSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`KAFKA_PORT_TEST_CLIENTS: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** Short session and heartbeat so rebalances in the suite take a second or two, not ten. */
export const GROUP_TIMINGS = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000, rebalanceTimeoutMs: 15_000, maxWaitTimeMs: 100 } as const;

/** Longest wait for any condition in the suite (a join plus a fetch fits several times over). */
export const WAIT = { timeout: 20_000, interval: 50 } as const;

export function waitFor<T>(check: () => T | Promise<T>): Promise<T> {
  return vi.waitFor(check, WAIT);
}

/** How long a cleanup may take: an adapter that hangs on close fails its test, not the run's hook timeout. */
const CLEANUP_TIMEOUT_MS = 10_000;

function bounded(operation: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${CLEANUP_TIMEOUT_MS} ms`)), CLEANUP_TIMEOUT_MS);
  });
  return Promise.race([operation, limit]).finally(() => clearTimeout(timer));
}

/** One adapter under test: its client, an admin that cleans up, and factories of parts. */
export interface Rig {
  readonly name: KafkaClientName;
  readonly caps: AdapterCapabilities;
  readonly client: KafkaClient;
  readonly admin: TestAdmin;
  topic(prefix: string, numPartitions: number, configs?: Record<string, string>): Promise<string>;
  group(prefix: string): string;
  producer(options?: ProducerOptions): Promise<ProducerPort>;
  /** A connected, subscribed and running consumer that records every batch it is handed. */
  consumer(options: Partial<ConsumerOptions> & { groupId: string; topics: readonly string[] }, run?: RecordingRunOptions): Promise<RecordingConsumer>;
}

/** Run options whose eachBatch also gets the consumer (to pause or seek from inside a batch). */
export type RecordingRunOptions = Omit<Partial<ConsumerRunOptions>, 'eachBatch'> & {
  readonly eachBatch?: (batch: RecordBatch, control: BatchControl, consumer: ConsumerPort) => Promise<void>;
};

export interface RecordingConsumer {
  readonly port: ConsumerPort;
  readonly batches: RecordBatch[];
  readonly joins: GroupAssignment[];
  /** Disconnects once (the cleanup after the test does not disconnect again). */
  disconnect(): Promise<void>;
  /** Offsets (as numbers) of every record handed over for `partition`, in order of delivery. */
  offsets(partition: number): number[];
}

export async function rig(name: KafkaClientName): Promise<Rig> {
  const clientId = `port-contract-${name}`;
  const client = createKafkaClient(
    kafkaSettingsFromEnv({ KAFKA_BROKERS: testBrokers(), KAFKA_CLIENT: name, KAFKA_CLIENT_ID: clientId, KAFKA_GROUP_PROTOCOL: process.env.KAFKA_GROUP_PROTOCOL }),
    createLogger(clientId, { level: process.env.LOG_LEVEL ?? 'warn' }),
  );
  const admin = await testAdmin(client);
  return {
    name,
    caps: CAPABILITIES[name],
    client,
    admin,
    async topic(prefix, numPartitions, configs = {}) {
      const topic = uniqueName(`pc-${prefix}`);
      admin.deleteAfterTest([topic]);
      await admin.createTopics([{ topic, numPartitions, replicationFactor: 1, configs }]);
      return topic;
    },
    group(prefix) {
      const group = uniqueName(`pc-${prefix}`);
      admin.deleteGroupsAfterTest([group]);
      return group;
    },
    async producer(options) {
      const producer = client.producer(options);
      await producer.connect();
      onTestFinished(() => bounded(producer.disconnect(), 'producer.disconnect()'));
      return producer;
    },
    async consumer({ topics, ...options }, run = {}) {
      const port = client.consumer({ ...GROUP_TIMINGS, ...options });
      const batches: RecordBatch[] = [];
      const joins: GroupAssignment[] = [];
      port.onGroupJoin((assignment) => joins.push(assignment));
      await port.connect();
      let closed: Promise<void> | undefined;
      const disconnect = () => (closed ??= port.disconnect());
      onTestFinished(() => bounded(disconnect(), 'consumer.disconnect()'));
      await port.subscribe(topics, { fromBeginning: true });
      const handler = run.eachBatch;
      await port.run({
        ...run,
        eachBatch: async (batch: RecordBatch, control: BatchControl) => {
          batches.push(batch);
          await handler?.(batch, control, port);
        },
      });
      return {
        port,
        batches,
        joins,
        disconnect,
        offsets: (partition) => batches.filter((b) => b.partition === partition).flatMap((b) => b.records.map((r) => Number(r.offset))),
      };
    },
  };
}

/** [from, from + 1, ..., to] */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * Waits for `rounds` full fetch cycles of `consumer`: each round produces a marker to `clock`
 * (a partition the consumer also owns) and waits until it arrives. A partition at its end is
 * fetched in those same cycles, so what it did not hand over meanwhile it never would have.
 */
export async function fetchCycles(producer: ProducerPort, consumer: RecordingConsumer, clock: { topic: string; partition: number }, rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const before = consumer.offsets(clock.partition).length;
    await producer.send([{ topic: clock.topic, records: [{ value: `tick-${i}`, partition: clock.partition }] }]);
    await waitFor(() => expect(consumer.offsets(clock.partition).length).toBe(before + 1));
  }
}

export function partitionsOf(assignment: GroupAssignment | undefined, topic: string): number[] {
  return [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b);
}
