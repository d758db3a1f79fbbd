import { Queue, Worker as BullWorker } from 'bullmq';
import { createLogger, laneTopic } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';
import type { BenchKafka } from './bench-kafka.js';
import { createLimiter, waitUntil } from './bench-timing.js';
import { Meter, type ContenderResult, type ContenderRun } from './contender-meter.js';

export type { ContenderResult, ContenderRun } from './contender-meter.js';

/**
 * The Switchyard worker on the queue's lanes: no-op handler, ordered queue (default), default
 * commit interval (`tuning` overrides a default: `statusOnSuccess: false` writes no completed
 * status records, the like of BullMQ's removeOnComplete; `maxUncommitted` for
 * bench/worker/profile-worker.ts). Done when `stats().totalProcessed` (counted once committed)
 * reaches `tasks`.
 */
export async function runSwitchyard(k: BenchKafka, queue: string, run: ContenderRun, tuning: { readonly maxUncommitted?: number; readonly statusOnSuccess?: boolean } = {}): Promise<ContenderResult> {
  const meter = new Meter(run.warmupTasks);
  const worker = createWorker(
    k.client,
    { config: { name: `${queue}-worker`, queues: [queue], queueConfigs: [{ name: queue, concurrency: run.concurrency }] }, queueOptions: { [queue]: { ordered: true } }, ...tuning },
    { noop: () => meter.hit() },
    { log: createLogger('bench.worker', { level: 'warn' }) },
  );
  meter.startAt = performance.now();
  try {
    await worker.start();
    await waitUntil(() => worker.stats().totalProcessed >= run.tasks, {
      what: 'switchyard worker throughput',
      timeoutMs: run.timeoutMs,
      intervalMs: 5,
      progress: () => `${worker.stats().totalProcessed}/${run.tasks} committed, ${meter.handled} handled`,
    });
    return meter.result(run, performance.now());
  } finally {
    await worker.close();
  }
}

/**
 * A bare kafkajs consumer group on the same lane topic: eachBatch, every message through a no-op
 * under a shared limiter of `concurrency`, offsets committed after each batch.
 */
export async function runBareKafkajs(k: BenchKafka, queue: string, groupId: string, run: ContenderRun): Promise<ContenderResult> {
  const meter = new Meter(run.warmupTasks);
  const consumer = k.raw.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const limit = createLimiter(run.concurrency);
  let committed = 0;
  let endAt = 0;
  meter.startAt = performance.now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [laneTopic(queue, 'normal')], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
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
    await waitUntil(() => endAt > 0, { what: 'bare kafkajs throughput', timeoutMs: run.timeoutMs, intervalMs: 5, progress: () => `${committed}/${run.tasks} committed` });
    return meter.result(run, endAt);
  } finally {
    await consumer.disconnect();
  }
}

export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db?: number;
  readonly maxRetriesPerRequest: null;
}

export function redisConnection(url: string): RedisConnection {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * BullMQ on Redis: the same payloads preloaded with Queue.addBulk (chunks of 1000), then a Worker
 * with the same concurrency and a no-op processor. Done when `completed` fired `tasks` times.
 * `keepCompleted`: completed jobs stay in Redis (the like of our completed status records);
 * otherwise removeOnComplete. Obliterates the queue afterwards.
 */
export async function runBullmq(url: string, name: string, payload: unknown, run: Omit<ContenderRun, 'preloadMs' | 'partitions'>, keepCompleted = false): Promise<ContenderResult & { redisVersion: string }> {
  const connection = redisConnection(url);
  const queue = new Queue(name, { connection });
  let worker: BullWorker | undefined;
  try {
    const redisVersion = /redis_version:(\S+)/.exec(await (await queue.client).info())?.[1] ?? 'unknown';
    const preloadStart = performance.now();
    for (let from = 0; from < run.tasks; from += 1000) {
      const jobs = Array.from({ length: Math.min(1000, run.tasks - from) }, () => ({ name: 'noop', data: payload, opts: { removeOnComplete: !keepCompleted, removeOnFail: true } }));
      await queue.addBulk(jobs);
    }
    const preloadMs = performance.now() - preloadStart;
    const meter = new Meter(run.warmupTasks, false);
    let completed = 0;
    let endAt = 0;
    worker = new BullWorker(name, async () => meter.hit(), { connection, concurrency: run.concurrency, autorun: false });
    worker.on('completed', () => {
      if (++completed >= run.tasks && endAt === 0) endAt = performance.now();
    });
    worker.on('error', (err) => console.error('bullmq worker error:', err.message));
    meter.startAt = performance.now();
    void worker.run();
    await waitUntil(() => endAt > 0, { what: 'bullmq throughput', timeoutMs: run.timeoutMs, intervalMs: 5, progress: () => `${completed}/${run.tasks} completed` });
    return { ...meter.result({ tasks: run.tasks, preloadMs }, endAt), redisVersion };
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true }).catch((err: unknown) => console.error('bullmq obliterate failed:', err));
    await queue.close();
  }
}
