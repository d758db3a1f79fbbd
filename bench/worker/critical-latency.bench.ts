import { createLogger, workerGroup } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';
import { BenchResources, createBenchQueue, PAYLOAD_1KB, preloadTasks, uniqueQueue, type BenchKafka } from './bench-kafka.js';
import { distribution, round, sleep, waitUntil, type Distribution } from './bench-timing.js';
import { absoluteNow } from './critical-producer.thread.js';
import { CriticalProducer } from './critical-producer.js';

/**
 * (b) Critical-lane pickup latency (enqueue call -> handler start) with a deep background backlog
 * and a busy worker, vs the same on an idle queue. The critical tasks are enqueued from a producer
 * in a worker thread (critical-producer.thread.ts): a producing service has its own event loop.
 */
export interface CriticalLatencyParams {
  readonly criticalTasks: number;
  readonly intervalMs: number;
  readonly backlog: number;
  readonly backgroundHandlerMs: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly warmupTasks: number;
}

export interface ScenarioResult {
  /** enqueue() called -> handler started: the measure the target is about. */
  readonly latencyMs: Distribution;
  /** How long TaskProducer.enqueue took to be acknowledged (part of the latency above). */
  readonly enqueueAckMs: Distribution;
  /**
   * enqueue() acknowledged -> handler started: the worker's own share (can be <= 0 when the
   * handler starts before the ack reaches the producer).
   */
  readonly ackToStartMs: Distribution;
  readonly backgroundHandled: number;
  /** Background tasks not yet handled when the last critical task started (> 0: the backlog lasted). */
  readonly backlogLeftAtEnd: number;
  readonly preloadMs: number;
}

export interface CriticalLatencyResult {
  readonly params: CriticalLatencyParams;
  readonly withBacklog: ScenarioResult;
  readonly noBacklog: ScenarioResult;
  readonly ratioP99: number;
  readonly target: number;
  readonly pass: boolean;
}

export const CRITICAL_P99_TARGET = 2;

async function scenario(k: BenchKafka, params: CriticalLatencyParams, backlog: number, say: (line: string) => void): Promise<ScenarioResult> {
  const res = new BenchResources();
  const queue = uniqueQueue(backlog > 0 ? 'crit_backlog' : 'crit_idle');
  const name = `${queue}-worker`;
  try {
    await createBenchQueue(k, res, queue, params.partitions, [workerGroup(name)]);
    const preloadMs =
      backlog > 0
        ? await preloadTasks(k, { queue, lane: 'background', count: backlog, task: (i) => ({ type: 'background_job', tenant: `tenant-${i % 1000}`, payload: PAYLOAD_1KB }) })
        : 0;
    if (backlog > 0) say(`  preloaded ${backlog} background tasks in ${Math.round(preloadMs)} ms`);
    const sentAt = new Map<number, number>();
    const startAt = new Map<number, number>();
    const ackAt = new Map<number, number>();
    let backgroundHandled = 0;
    let backlogLeftAtEnd = 0;
    const worker = createWorker(
      k.client,
      { config: { name, queues: [queue], queueConfigs: [{ name: queue, concurrency: params.concurrency }] }, queueOptions: { [queue]: { ordered: true } } },
      {
        background_job: async () => {
          await sleep(params.backgroundHandlerMs);
          backgroundHandled++;
        },
        critical_ping: (task) => {
          const i = (task.payload as { i: number }).i;
          startAt.set(i, absoluteNow());
          backlogLeftAtEnd = backlog - backgroundHandled;
        },
      },
      { log: createLogger('bench.worker', { level: 'warn' }) },
    );
    res.defer(() => worker.close());
    const producer = new CriticalProducer(k, queue, (i, sent, ack) => {
      sentAt.set(i, sent);
      ackAt.set(i, ack);
    });
    res.defer(() => producer.stop());
    await Promise.all([worker.start(), producer.ready]);
    if (backlog > 0) {
      // The worker is busy: its lane buffers are full and background tasks are flowing.
      await waitUntil(() => backgroundHandled >= Math.min(backlog / 10, 2000), { what: 'background flowing', timeoutMs: 120_000, progress: () => `${backgroundHandled} handled` });
    }
    // Warm-up (group joined, fetch loop running), not measured: ids below 0.
    const warm = Array.from({ length: params.warmupTasks }, (_, w) => -1 - w);
    producer.command({ kind: 'warm', ids: warm });
    await waitUntil(() => producer.healthy() && warm.every((i) => startAt.has(i)), { what: 'critical warm-up', timeoutMs: 60_000 });

    const ids = Array.from({ length: params.criticalTasks }, (_, i) => i);
    producer.command({ kind: 'run', count: params.criticalTasks, intervalMs: params.intervalMs });
    await waitUntil(() => producer.healthy() && ids.every((i) => ackAt.has(i)), { what: 'critical tasks acknowledged', timeoutMs: 120_000, progress: () => `${ackAt.size} acknowledged` });
    const measured = () => ids.filter((i) => startAt.has(i)).length;
    await waitUntil(() => measured() === params.criticalTasks, { what: 'critical tasks picked up', timeoutMs: 120_000, progress: () => `${measured()}/${params.criticalTasks}` });
    const of = (to: Map<number, number>, from: Map<number, number>) => distribution(ids.map((i) => to.get(i)! - from.get(i)!));
    return {
      latencyMs: of(startAt, sentAt),
      enqueueAckMs: of(ackAt, sentAt),
      ackToStartMs: of(startAt, ackAt),
      backgroundHandled,
      backlogLeftAtEnd,
      preloadMs: round(preloadMs, 0),
    };
  } finally {
    await res.cleanup(k.log);
  }
}

export async function runCriticalLatency(k: BenchKafka, params: CriticalLatencyParams, say: (line: string) => void): Promise<CriticalLatencyResult> {
  say('  no backlog...');
  const noBacklog = await scenario(k, params, 0, say);
  say(`  no backlog: p99 ${noBacklog.latencyMs.p99} ms`);
  say(`  with backlog of ${params.backlog}...`);
  const withBacklog = await scenario(k, params, params.backlog, say);
  say(`  with backlog: p99 ${withBacklog.latencyMs.p99} ms (background left at the end: ${withBacklog.backlogLeftAtEnd})`);
  const ratioP99 = round(withBacklog.latencyMs.p99 / noBacklog.latencyMs.p99, 3);
  return { params, withBacklog, noBacklog, ratioP99, target: CRITICAL_P99_TARGET, pass: ratioP99 <= CRITICAL_P99_TARGET };
}
