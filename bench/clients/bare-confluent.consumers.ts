/**
 * Bare consumers written directly against @confluentinc/kafka-javascript (librdkafka), in its two
 * APIs: the KafkaJS-compatible `KafkaJS` namespace (eachBatch, as the kafkajs contender) and the
 * native `KafkaConsumer` (`consume(n)` in a loop). Same work as the bare kafkajs loop: a consumer
 * group on one topic from the earliest offset, every message through a no-op under a shared
 * limiter of `concurrency`, offsets committed after each batch.
 */
import confluent, { type LibrdKafkaError, type Message, type TopicPartitionOffset } from '@confluentinc/kafka-javascript';
import { createLimiter, waitUntil } from '../worker/bench-timing.js';
import { Meter, type ContenderResult, type ContenderRun } from '../worker/contender-meter.js';
import type { BareConsumerTarget } from './bare-consumers.js';

// A CommonJS module: its classes come from the default export under Node's ESM loader.
const { KafkaConsumer, KafkaJS } = confluent;

/** The KafkaJS-compatible API: eachBatch (batches unbounded: `js.consumer.max.batch.size` -1), commitOffsets after each. */
export async function runBareConfluentKafkajsApi(target: BareConsumerTarget, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter();
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: target.bootstrap.split(','), clientId: 'switchyard-bench-bare', logLevel: KafkaJS.logLevel.ERROR } });
  const consumer = kafka.consumer({
    kafkaJS: { groupId: target.groupId, fromBeginning: true, autoCommit: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 },
    'js.consumer.max.batch.size': -1,
  });
  const limit = createLimiter(run.concurrency);
  let committed = 0;
  let endAt = 0;
  meter.startAt = performance.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [target.topic] });
    await consumer.run({
      partitionsConsumedConcurrently: run.partitions,
      eachBatch: async ({ batch }) => {
        const last = batch.messages.at(-1);
        if (!last) return;
        await Promise.all(batch.messages.map(() => limit(() => meter.hit())));
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        committed += batch.messages.length;
        if (committed >= run.tasks && endAt === 0) endAt = performance.now();
      },
    });
    await waitUntil(() => endAt > 0, { what: 'bare confluent (KafkaJS API) throughput', timeoutMs: run.timeoutMs, intervalMs: 5, progress: () => `${committed}/${run.tasks} committed` });
    return meter.result(run, endAt);
  } finally {
    await consumer.disconnect();
  }
}

/** Messages asked for per `consume(n)` call of the native loop. */
const NATIVE_BATCH = 1_000;
/** How long one `consume(n)` waits for a message before it returns what it has. */
const NATIVE_CONSUME_TIMEOUT_MS = 50;

/**
 * The native API: `consume(1000)` in a loop; after each batch its last offset of every partition
 * in it is committed (`commit`, asynchronous in librdkafka). A record counts as committed when the
 * broker confirmed it (`offset_commit_cb`): the topic is fresh, so the committed offsets of all
 * partitions sum to the records committed.
 */
export async function runBareConfluentNative(target: BareConsumerTarget, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter();
  const committedByPartition = new Map<number, number>();
  let committed = 0;
  let endAt = 0;
  let failure: Error | undefined;
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': target.bootstrap,
      'client.id': 'switchyard-bench-bare',
      'group.id': target.groupId,
      'enable.auto.commit': false,
      'session.timeout.ms': 30_000,
      'heartbeat.interval.ms': 3_000,
      offset_commit_cb: (err: LibrdKafkaError | null, partitions: TopicPartitionOffset[]) => {
        if (err) {
          failure = new Error(`commit failed: ${err.message}`);
          return;
        }
        for (const p of partitions) if (p.offset > (committedByPartition.get(p.partition) ?? 0)) committedByPartition.set(p.partition, p.offset);
        committed = [...committedByPartition.values()].reduce((a, b) => a + b, 0);
        if (committed >= run.tasks && endAt === 0) endAt = performance.now();
      },
    },
    { 'auto.offset.reset': 'earliest' },
  );
  const limit = createLimiter(run.concurrency);
  const consume = () => new Promise<Message[]>((resolve, reject) => consumer.consume(NATIVE_BATCH, (err, messages) => (err ? reject(err) : resolve(messages))));
  meter.startAt = performance.now();
  await new Promise<void>((resolve, reject) => consumer.connect({}, (err) => (err ? reject(err) : resolve())));
  let looping = true;
  const loop = (async () => {
    consumer.setDefaultConsumeTimeout(NATIVE_CONSUME_TIMEOUT_MS);
    consumer.subscribe([target.topic]);
    while (looping && !failure) {
      const messages = await consume();
      if (messages.length === 0) continue;
      await Promise.all(messages.map(() => limit(() => meter.hit())));
      const next = new Map<number, number>();
      for (const m of messages) next.set(m.partition, m.offset + 1);
      consumer.commit([...next].map(([partition, offset]) => ({ topic: target.topic, partition, offset })));
    }
  })().catch((err: unknown) => {
    failure = err instanceof Error ? err : new Error(String(err));
  });
  try {
    await waitUntil(() => endAt > 0 || failure !== undefined, { what: 'bare confluent (native API) throughput', timeoutMs: run.timeoutMs, intervalMs: 5, progress: () => `${committed}/${run.tasks} committed` });
    if (failure && endAt === 0) throw failure;
    return meter.result(run, endAt);
  } finally {
    looping = false;
    await loop;
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
