import { workerGroup } from '@switchyard/kafka';
import { BenchResources, createBenchQueue, PAYLOAD_1KB, preloadTasks, uniqueQueue, type BenchKafka } from './bench-kafka.js';
import { round } from './bench-timing.js';
import { runBareConsumer, type BareConsumeResult } from '../clients/bare-consumers.js';
import { runBullmq, runSwitchyard, type ContenderResult } from './throughput.contenders.js';
import { runBarePlatformaticTransactional } from '../clients/bare-platformatic-eos.consumer.js';
import { laneTopic, taskStatusTopic } from '@switchyard/kafka';

/**
 * (a) No-op handler throughput, like with like: the Switchyard worker with its completed status
 * records against BullMQ keeping completed jobs, and without them (`statusOnSuccess: false`)
 * against BullMQ's removeOnComplete; both against the client library's bare loop (`--client`).
 */
export interface ThroughputParams {
  readonly tasks: number;
  /** Handler calls of each contender before its measured window (JIT warm-up). */
  readonly warmupTasks: number;
  /**
   * Before the measured runs, every contender runs once over this many tasks, unmeasured (0:
   * none). The measured runs then see a warm process, as a long-running service does: the first
   * worker run in a process spent 46-55 µs CPU per task after its 20k warm-up tasks, the next ones
   * 29-40 µs (throwaway paired runs, 2026-12-07), so whichever contender ran first paid for the
   * JIT and the heap's growth.
   */
  readonly warmupPassTasks: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly payloadBytes: number;
  /** Distinct tenants (= ordering keys) the tasks are spread over. */
  readonly tenants: number;
}

export interface ThroughputContenders {
  readonly bare: BareConsumeResult;
  /**
   * The library's bare exactly-once loop (bare-platformatic-eos.consumer.ts): payloads decoded, a
   * small completed record per task and the offsets in one transaction per fetch. A reference for
   * what the worker's transactions and records cost with nothing of ours around them; platformatic
   * only (absent with `--client kafkajs`).
   */
  readonly bareTransactional?: ContenderResult;
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
  /** Not a bar: the default worker over the bare exactly-once loop (when it ran). */
  readonly reference?: { readonly oursOverBareTransactional: number };
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

/** Every contender once over `pass.tasks` tasks, unmeasured (see ThroughputParams.warmupPassTasks). */
async function warmUp(k: BenchKafka, res: BenchResources, redisUrl: string, pass: ThroughputParams, timeoutMs: number, say: (line: string) => void): Promise<void> {
  say(`  warm-up pass: every contender once over ${pass.tasks} tasks, not measured`);
  const bareSetup = await preloadedQueue(k, res, 'tp_warm_bare', pass, (q) => [`${q}-bare`]);
  await runBareConsumer(k.clientName, k, bareSetup.queue, `${bareSetup.queue}-bare`, { ...pass, timeoutMs, preloadMs: bareSetup.preloadMs });
  if (k.clientName === 'platformatic') {
    const setup = await preloadedQueue(k, res, 'tp_warm_eos', pass, (q) => [`${q}-bare`]);
    await runBarePlatformaticTransactional(eosTarget(k, setup.queue), { ...pass, timeoutMs, preloadMs: setup.preloadMs });
  }
  const setup = await preloadedQueue(k, res, 'tp_warm_sy', pass, (q) => [workerGroup(`${q}-worker`)]);
  await runSwitchyard(k, setup.queue, { ...pass, timeoutMs, preloadMs: setup.preloadMs }, {});
  await runBullmq(redisUrl, uniqueQueue('tp_warm_bullmq'), PAYLOAD_1KB, { tasks: pass.tasks, warmupTasks: 0, concurrency: pass.concurrency, timeoutMs }, true);
}

/** The bare exactly-once loop's target on `queue`: its normal lane, a group of its own, completed records to its status topic. */
function eosTarget(k: BenchKafka, queue: string) {
  return { bootstrap: k.bootstrap, topic: laneTopic(queue, 'normal'), groupId: `${queue}-bare`, statusTopic: taskStatusTopic(queue), withStatus: true };
}

export async function runThroughput(k: BenchKafka, redisUrl: string, params: ThroughputParams, say: (line: string) => void): Promise<ThroughputResult & { redisVersion: string }> {
  const timeoutMs = 120_000 + params.tasks * 5;
  const res = new BenchResources();
  const rate = (r: ContenderResult) => `${r.tasksPerSec} tasks/s, ${r.cpuUsPerRecord} µs CPU/task${r.brokerCpuUsPerRecord === undefined ? '' : `, broker ${r.brokerCpuUsPerRecord} µs/task`}`;
  try {
    if (params.warmupPassTasks > 0) await warmUp(k, res, redisUrl, { ...params, tasks: params.warmupPassTasks, warmupTasks: 0 }, timeoutMs, say);
    const bareSetup = await preloadedQueue(k, res, 'tp_bare', params, (q) => [`${q}-bare`]);
    say(`  bare ${k.clientName}: preloaded ${params.tasks} in ${Math.round(bareSetup.preloadMs)} ms, consuming...`);
    const bare = await runBareConsumer(k.clientName, k, bareSetup.queue, `${bareSetup.queue}-bare`, { ...params, timeoutMs, preloadMs: bareSetup.preloadMs });
    say(`  bare ${bare.api}: ${rate(bare)}`);
    let bareTransactional: ContenderResult | undefined;
    if (k.clientName === 'platformatic') {
      const setup = await preloadedQueue(k, res, 'tp_eos', params, (q) => [`${q}-bare`]);
      say(`  bare platformatic transactional: preloaded ${params.tasks} in ${Math.round(setup.preloadMs)} ms, consuming...`);
      bareTransactional = await runBarePlatformaticTransactional(eosTarget(k, setup.queue), { ...params, timeoutMs, preloadMs: setup.preloadMs });
      say(`  bare platformatic transactional: ${rate(bareTransactional)}`);
    }

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
    const reference = bareTransactional ? { oursOverBareTransactional: round(switchyard.tasksPerSec / bareTransactional.tasksPerSec, 3) } : undefined;
    return {
      params,
      contenders: { bare, ...(bareTransactional ? { bareTransactional } : {}), switchyard, switchyardNoCompleted, bullmq, bullmqKeepCompleted },
      ratios,
      targets: THROUGHPUT_TARGETS,
      pass,
      ...(reference ? { reference } : {}),
      redisVersion,
    };
  } finally {
    await res.cleanup(k.log);
  }
}
