/**
 * Topics of the replay benchmark: fresh 6-partition topics, the preloaded source range, and the
 * exact count of what a contender wrote (offsets, then every record read back by key).
 */
import { randomUUID } from 'node:crypto';
import type { BenchKafka, BenchResources } from '../worker/bench-kafka.js';
import { waitUntil } from '../worker/bench-timing.js';

/** Value bytes of one source record; with its key (`k<i>`, <= 8 bytes) about 200 bytes a record. */
export const VALUE_BYTES = 192;

/** Key of source record `i`: ASCII letters and digits only, so neither tab nor newline occurs. */
export const keyOf = (i: number) => `k${i}`;

/** `{"i":123,"pad":"xxx..."}`, exactly VALUE_BYTES long; no tab, no newline. */
export function valueOf(i: number): string {
  const head = `{"i":${i},"pad":"`;
  return `${head}${'x'.repeat(VALUE_BYTES - head.length - 2)}"}`;
}

/** A topic name no other run uses. */
export function uniqueTopic(role: string): string {
  return `bench_replay_${role}_${randomUUID().slice(0, 8)}`;
}

/** Creates the topics (waiting for their leaders) and registers their deletion. */
export async function createTopics(k: BenchKafka, res: BenchResources, topics: readonly string[], partitions: number): Promise<void> {
  res.defer(() => k.rawAdmin.deleteTopics({ topics: [...topics], timeout: 30_000 }));
  await k.rawAdmin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })), waitForLeaders: true, timeout: 30_000 });
}

export interface PreloadResult {
  readonly ms: number;
  /** Per partition, the log end after the preload (the source has no transaction markers). */
  readonly ends: readonly { partition: number; high: number }[];
}

/**
 * Writes `count` records round-robin over the partitions with a plain kafkajs producer
 * (sendBatch chunks of `chunkSize`, a few in flight, acks=1: only the copy is measured).
 */
export async function preloadSource(k: BenchKafka, topic: string, count: number, partitions: number, chunkSize = 5_000, inFlight = 4): Promise<PreloadResult> {
  const started = performance.now();
  const producer = k.raw.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, from + chunkSize);
        const messages = [];
        for (let i = from; i < next; i++) messages.push({ key: keyOf(i), value: valueOf(i), partition: i % partitions });
        await producer.sendBatch({ acks: 1, topicMessages: [{ topic, messages }] });
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  } finally {
    await producer.disconnect();
  }
  const ends = (await k.rawAdmin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, high: Number(p.high) }));
  const total = ends.reduce((n, p) => n + p.high, 0);
  if (total !== count) throw new Error(`preload: ${topic} holds ${total} offsets, expected ${count}`);
  return { ms: performance.now() - started, ends };
}

/** Sum over partitions of high - low: records plus transaction markers (and aborted records). */
export async function logEntries(k: BenchKafka, topic: string): Promise<number> {
  return (await k.rawAdmin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
}

export interface CopyCount {
  /** high - low summed over partitions. */
  readonly logEntries: number;
  /** Committed records read back (read_committed). */
  readonly records: number;
  readonly distinctKeys: number;
  readonly duplicates: number;
  readonly missing: number;
  /** logEntries - records: transaction markers (commit/abort) plus aborted records. */
  readonly nonRecordEntries: number;
  /** records === expected, every source key exactly once. */
  readonly exact: boolean;
  readonly countMs: number;
}

/**
 * Counts a target topic exactly: reads it from the beginning with a fresh group (read_committed,
 * so markers and aborted records are not counted) and tallies every source key. Reading stops
 * once all `expected` keys were seen and then `quietMs` pass without another record, so a
 * duplicate written after the last new key would still be counted; or, with keys missing, once
 * nothing arrived for `stallMs` (the count is then reported as not exact).
 */
export async function countCopies(k: BenchKafka, topic: string, expected: number, timeoutMs: number, quietMs = 2_000, stallMs = 10_000): Promise<CopyCount> {
  const started = performance.now();
  const entries = await logEntries(k, topic);
  const seen = new Uint8Array(expected);
  let records = 0;
  let distinct = 0;
  let duplicates = 0;
  let foreign = 0;
  let lastRecordAt = performance.now();
  const groupId = `bench_replay_count_${randomUUID().slice(0, 8)}`;
  const consumer = k.raw.consumer({ groupId, readUncommitted: false, maxBytesPerPartition: 4 * 1024 * 1024 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          records++;
          const i = Number(message.key?.toString('latin1').slice(1) ?? Number.NaN);
          if (!Number.isInteger(i) || i < 0 || i >= expected) foreign++;
          else if (seen[i]! > 0) duplicates++;
          else {
            seen[i] = 1;
            distinct++;
          }
        }
        if (batch.messages.length > 0) lastRecordAt = performance.now();
      },
    });
    const quietFor = () => performance.now() - lastRecordAt;
    await waitUntil(() => (distinct + foreign >= expected && quietFor() >= quietMs) || quietFor() >= stallMs, {
      what: `count of ${topic}`,
      timeoutMs,
      intervalMs: 50,
      progress: () => `${records} records, ${distinct} distinct keys of ${expected}`,
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await k.rawAdmin.deleteGroups([groupId]).catch(() => undefined);
  }
  return {
    logEntries: entries,
    records,
    distinctKeys: distinct,
    duplicates: duplicates + foreign,
    missing: expected - distinct,
    nonRecordEntries: entries - records,
    exact: records === expected && distinct === expected,
    countMs: Math.round(performance.now() - started),
  };
}
