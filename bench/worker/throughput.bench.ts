import { workerGroup } from '@switchyard/kafka';
import { BenchResources, createBenchQueue, PAYLOAD_1KB, preloadTasks, uniqueQueue, type BenchKafka } from './bench-kafka.js';
import { round } from './bench-timing.js';
import { runBareConsumer, type BareConsumeResult } from '../clients/bare-consumers.js';
import { runBullmq, runSwitchyard, type ContenderResult } from './throughput.contenders.js';

/**
 * (a) No-op handler throughput, like with like: the Switchyard worker with its completed status
 * records against BullMQ keeping completed jobs, and without them (`statusOnSuccess: false`)
 * against BullMQ's removeOnComplete; both against the client library's bare loop (`--client`).
 */
export interface ThroughputParams {
  readonly tasks: number;
  /** Handler calls of each contender before its measured window (JIT warm-up). */
  readonly warmupTasks: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly payloadBytes: number;
  /** Distinct tenants (= ordering keys) the tasks are spread over. */
  readonly tenants: number;
}

export interface ThroughputContenders {
  readonly bare: BareConsumeResult;
  /** Default options: a completed status record per task. */
  readonly switchyard: ContenderResult;
  /** `statusOnSuccess: false`: records only for failures, retries and dead letters. */
  readonly switchyardNoCompleted: ContenderResult;
  /** removeOnComplete. */
  readonly bullmq: ContenderResult;
  /** Completed jobs kept in Redis. */
  readonly bullmqKeepCompleted: ContenderResult;
}

type Ratio = 'oursOverBare' | 'oursOverBullmq' | 'noCompletedOverBare' | 'noCompletedOverBullmq';

export interface ThroughputResult {
  readonly params: ThroughputParams;
  readonly contenders: ThroughputContenders;
  /**
   * oursOverBare / oursOverBullmq: the default worker against the bare loop and against BullMQ
   * keeping completed jobs; noCompletedOverBare / noCompletedOverBullmq: without completed
   * records, against the bare loop and BullMQ's removeOnComplete.
   */
  readonly ratios: Record<Ratio, number>;
  /** Issue 11's bars to resolve (0.5x bare, 1.5x BullMQ) and its goals (0.9x, 3x). */
  readonly targets: { readonly resolve: Record<Ratio, number>; readonly goal: Record<Ratio, number> };
  readonly pass: Record<Ratio, boolean>;
}

export const THROUGHPUT_TARGETS = {
  resolve: { oursOverBare: 0.5, oursOverBullmq: 1.5, noCompletedOverBare: 0.5, noCompletedOverBullmq: 1.5 },
  goal: { oursOverBare: 0.9, oursOverBullmq: 3, noCompletedOverBare: 0.9, noCompletedOverBullmq: 3 },
} as const;

/** Preloads a fresh queue's normal lane with `tasks` 1 KB envelopes; returns ms taken. */
async function preloadedQueue(k: BenchKafka, res: BenchResources, prefix: string, params: ThroughputParams, groups: (queue: string) => string[]) {
  const queue = uniqueQueue(prefix);
  await createBenchQueue(k, res, queue, params.partitions, groups(queue));
  const preloadMs = await preloadTasks(k, { queue, lane: 'normal', count: params.tasks, task: (i) => ({ type: 'noop', tenant: `tenant-${i % params.tenants}`, payload: PAYLOAD_1KB }) });
  return { queue, preloadMs };
}

export async function runThroughput(k: BenchKafka, redisUrl: string, params: ThroughputParams, say: (line: string) => void): Promise<ThroughputResult & { redisVersion: string }> {
  const timeoutMs = 120_000 + params.tasks * 5;
  const res = new BenchResources();
  const rate = (r: ContenderResult) => `${r.tasksPerSec} tasks/s, ${r.cpuUsPerRecord} µs CPU/task`;
  try {
    const bareSetup = await preloadedQueue(k, res, 'tp_bare', params, (q) => [`${q}-bare`]);
    say(`  bare ${k.clientName}: preloaded ${params.tasks} in ${Math.round(bareSetup.preloadMs)} ms, consuming...`);
    const bare = await runBareConsumer(k.clientName, k, bareSetup.queue, `${bareSetup.queue}-bare`, { ...params, timeoutMs, preloadMs: bareSetup.preloadMs });
    say(`  bare ${bare.api}: ${rate(bare)}`);

    const worker = async (label: string, tuning: { readonly statusOnSuccess?: boolean }) => {
      const setup = await preloadedQueue(k, res, 'tp_sy', params, (q) => [workerGroup(`${q}-worker`)]);
      say(`  switchyard${label}: preloaded ${params.tasks} in ${Math.round(setup.preloadMs)} ms, consuming...`);
      const result = await runSwitchyard(k, setup.queue, { ...params, timeoutMs, preloadMs: setup.preloadMs }, tuning);
      say(`  switchyard${label} (${k.clientName}): ${rate(result)}`);
      return result;
    };
    const switchyard = await worker('', {});
    const switchyardNoCompleted = await worker(', no completed records', { statusOnSuccess: false });

    const bull = async (keepCompleted: boolean) => {
      say(`  bullmq${keepCompleted ? ', completed jobs kept' : ', removeOnComplete'}: preloading ${params.tasks} with addBulk, consuming...`);
      const result = await runBullmq(redisUrl, uniqueQueue('tp_bullmq'), PAYLOAD_1KB, { tasks: params.tasks, warmupTasks: params.warmupTasks, concurrency: params.concurrency, timeoutMs }, keepCompleted);
      say(`  bullmq: ${rate(result)}`);
      return result;
    };
    const { redisVersion, ...bullmq } = await bull(false);
    const { redisVersion: _sameRedis, ...bullmqKeepCompleted } = await bull(true);

    const ratios: Record<Ratio, number> = {
      oursOverBare: round(switchyard.tasksPerSec / bare.tasksPerSec, 3),
      oursOverBullmq: round(switchyard.tasksPerSec / bullmqKeepCompleted.tasksPerSec, 3),
      noCompletedOverBare: round(switchyardNoCompleted.tasksPerSec / bare.tasksPerSec, 3),
      noCompletedOverBullmq: round(switchyardNoCompleted.tasksPerSec / bullmq.tasksPerSec, 3),
    };
    const pass = Object.fromEntries(Object.entries(ratios).map(([name, value]) => [name, value >= THROUGHPUT_TARGETS.resolve[name as Ratio]])) as Record<Ratio, boolean>;
    return { params, contenders: { bare, switchyard, switchyardNoCompleted, bullmq, bullmqKeepCompleted }, ratios, targets: THROUGHPUT_TARGETS, pass, redisVersion };
  } finally {
    await res.cleanup(k.log);
  }
}
