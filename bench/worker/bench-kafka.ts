import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';
import type { TaskPriority } from '@switchyard/protocol';
import {
  createKafkaClient,
  DEFAULT_KAFKA_CLIENT,
  createLogger,
  encodeTaskEnvelope,
  ensureTopology,
  kafkaSettingsFromEnv,
  laneTopic,
  planQueueTopology,
  type AdminPort,
  type KafkaClient,
  type KafkaClientName,
  type Logger,
  type TaskEnvelope,
} from '@switchyard/kafka';
import { sleep, waitUntilAsync } from './bench-timing.js';

const { Kafka: KafkaCtor, logLevel, Partitioners } = kafkajs;

/** A JSON payload whose encoded value is exactly 1024 bytes: `{"data":"xxx..."}`. */
export const PAYLOAD_1KB: { readonly data: string } = { data: 'x'.repeat(1024 - '{"data":""}'.length) };

/**
 * Everything the Kafka benchmarks share: the Switchyard client (worker, topology), a raw kafkajs
 * client (the kafkajs bare contender, preloading, group cleanup) and their admins.
 */
export interface BenchKafka {
  readonly bootstrap: string;
  /** The library behind `client` (`--client`); the bare contenders use the same one. */
  readonly clientName: KafkaClientName;
  readonly client: KafkaClient;
  readonly admin: AdminPort;
  readonly raw: Kafka;
  readonly rawAdmin: Admin;
  readonly log: Logger;
  close(): Promise<void>;
}

/** Opens the bench's clients; the Switchyard one runs on `clientName`'s adapter (`KAFKA_CLIENT`). */
export async function openBenchKafka(bootstrap: string, clientName: KafkaClientName = DEFAULT_KAFKA_CLIENT): Promise<BenchKafka> {
  const log = createLogger('bench', { level: 'warn' });
  const client = createKafkaClient(kafkaSettingsFromEnv({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'switchyard-bench', KAFKA_CLIENT: clientName }), log);
  const raw = new KafkaCtor({ clientId: 'switchyard-bench-raw', brokers: bootstrap.split(','), logLevel: logLevel.ERROR });
  const admin = client.admin();
  const rawAdmin = raw.admin();
  await Promise.all([admin.connect(), rawAdmin.connect()]);
  return {
    bootstrap,
    clientName,
    client,
    admin,
    raw,
    rawAdmin,
    log,
    close: async () => {
      await Promise.all([admin.disconnect(), rawAdmin.disconnect()]);
    },
  };
}

/** A queue name no other run uses (queue names become topic names). */
export function uniqueQueue(prefix: string): string {
  return `bench_${prefix}_${randomUUID().slice(0, 8)}`;
}

/** Resources one benchmark step created, removed in reverse order by `cleanup`. */
export class BenchResources {
  readonly #steps: (() => Promise<unknown>)[] = [];

  defer(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }

  /** Runs every deferred step (last first); failures are reported, not thrown. */
  async cleanup(log: Logger): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      await step().catch((err: unknown) => log.warn({ err }, 'bench cleanup step failed'));
    }
  }
}

/**
 * Creates a queue's topology (lanes, retry tiers, DLQ, status) and registers its deletion, plus
 * the deletion of the consumer groups named in `groups`.
 */
export async function createBenchQueue(k: BenchKafka, res: BenchResources, queue: string, partitions: number, groups: readonly string[] = []): Promise<void> {
  const topics = planQueueTopology({ name: queue }, { partitions }).map((spec) => spec.topic);
  res.defer(() => deleteTopics(k, topics));
  res.defer(async () => {
    if (groups.length > 0) await k.rawAdmin.deleteGroups([...groups]).catch(() => undefined);
  });
  await ensureTopology(k.admin, { name: queue }, { partitions });
  await waitForLeaders(k, topics);
}

/** Deletes those of `topics` that exist, re-checking a few times (metadata of fresh topics lags). */
async function deleteTopics(k: BenchKafka, topics: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const existing = new Set(await k.admin.listTopics());
    const doomed = topics.filter((t) => existing.has(t));
    if (doomed.length === 0) return;
    try {
      await k.admin.deleteTopics(doomed);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
    if (attempt >= 3) return;
    await sleep(1000);
  }
}

/** Polls metadata until every partition of `topics` has a leader (fresh topics take a moment). */
async function waitForLeaders(k: BenchKafka, topics: readonly string[]): Promise<void> {
  let missing = topics.length;
  await waitUntilAsync(async () => {
    const { topics: meta } = await k.rawAdmin.fetchTopicMetadata({ topics: [...topics] }).catch(() => ({ topics: [] }));
    missing = topics.length - meta.filter((t) => t.partitions.length > 0 && t.partitions.every((p) => p.partitionErrorCode === 0 && p.leader >= 0)).length;
    return missing === 0;
  }, { what: 'topic leaders', timeoutMs: 30_000, intervalMs: 100, progress: () => `${missing} topics without leaders` });
}

export interface PreloadSpec {
  readonly queue: string;
  readonly lane: TaskPriority;
  readonly count: number;
  /** The envelope of task `i` (taskId, queue and priority are filled in). */
  readonly task: (i: number) => Omit<TaskEnvelope, 'taskId' | 'queue' | 'priority' | 'attempt' | 'createdAt'>;
  readonly chunkSize?: number;
  /** sendBatch calls in flight at once. */
  readonly inFlight?: number;
}

/**
 * Writes `count` task.v1 envelopes to a lane with a plain kafkajs producer (sendBatch, chunks of
 * 1000, a few in flight), so the backlog is there before any consumer starts. Returns ms taken.
 */
export async function preloadTasks(k: BenchKafka, spec: PreloadSpec): Promise<number> {
  const started = performance.now();
  const producer = k.raw.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const topic = laneTopic(spec.queue, spec.lane);
    const chunkSize = spec.chunkSize ?? 1000;
    const createdAt = new Date().toISOString();
    const chunks: [number, number][] = [];
    for (let from = 0; from < spec.count; from += chunkSize) chunks.push([from, Math.min(spec.count, from + chunkSize)]);
    const sendChunk = async ([from, to]: [number, number]) => {
      const messages = [];
      for (let i = from; i < to; i++) {
        const record = encodeTaskEnvelope({ taskId: randomUUID(), queue: spec.queue, priority: spec.lane, attempt: 0, createdAt, ...spec.task(i) });
        messages.push({ key: record.key ?? null, value: record.value, headers: { ...record.headers } });
      }
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    };
    const lanes = Array.from({ length: spec.inFlight ?? 4 }, async () => {
      for (let next = chunks.shift(); next; next = chunks.shift()) await sendChunk(next);
    });
    await Promise.all(lanes);
  } finally {
    await producer.disconnect();
  }
  return performance.now() - started;
}
