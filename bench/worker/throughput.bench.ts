import { workerGroup } from '@switchyard/kafka';
import { BenchResources, createBenchQueue, PAYLOAD_1KB, preloadTasks, uniqueQueue, type BenchKafka } from './bench-kafka.js';
import { round } from './bench-timing.js';
import { runBareConsumer, type BareConsumeResult } from '../clients/bare-consumers.js';
import { runBullmq, runSwitchyard, type ContenderResult } from './throughput.contenders.js';

/** (a) No-op handler throughput: Switchyard worker vs the client library's bare loop (`--client`) vs BullMQ. */
export interface ThroughputParams {
  readonly tasks: number;
  readonly concurrency: number;
  readonly partitions: number;
  readonly payloadBytes: number;
  /** Distinct tenants (= ordering keys) the tasks are spread over. */
  readonly tenants: number;
}

export interface ThroughputResult {
  readonly params: ThroughputParams;
  readonly contenders: { readonly bare: BareConsumeResult; readonly switchyard: ContenderResult; readonly bullmq: ContenderResult };
  readonly ratios: { readonly oursOverBare: number; readonly oursOverBullmq: number };
  readonly targets: { readonly oursOverBare: number; readonly oursOverBullmq: number };
  readonly pass: { readonly oursOverBare: boolean; readonly oursOverBullmq: boolean };
}

export const THROUGHPUT_TARGETS = { oursOverBare: 0.9, oursOverBullmq: 3 } as const;

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
  try {
    const bareSetup = await preloadedQueue(k, res, 'tp_bare', params, (q) => [`${q}-bare`]);
    say(`  bare ${k.clientName}: preloaded ${params.tasks} in ${Math.round(bareSetup.preloadMs)} ms, consuming...`);
    const bare = await runBareConsumer(k.clientName, k, bareSetup.queue, `${bareSetup.queue}-bare`, { ...params, timeoutMs, preloadMs: bareSetup.preloadMs });
    say(`  bare ${bare.api}: ${bare.tasksPerSec} tasks/s, ${bare.cpuUsPerRecord} µs CPU/record`);

    const oursSetup = await preloadedQueue(k, res, 'tp_sy', params, (q) => [workerGroup(`${q}-worker`)]);
    say(`  switchyard: preloaded ${params.tasks} in ${Math.round(oursSetup.preloadMs)} ms, consuming...`);
    const switchyard = await runSwitchyard(k, oursSetup.queue, { ...params, timeoutMs, preloadMs: oursSetup.preloadMs });
    say(`  switchyard (${k.clientName}): ${switchyard.tasksPerSec} tasks/s, ${switchyard.cpuUsPerRecord} µs CPU/record`);

    say(`  bullmq: preloading ${params.tasks} with addBulk, consuming...`);
    const { redisVersion, ...bullmq } = await runBullmq(redisUrl, uniqueQueue('tp_bullmq'), PAYLOAD_1KB, { tasks: params.tasks, concurrency: params.concurrency, timeoutMs });
    say(`  bullmq: ${bullmq.tasksPerSec} tasks/s`);

    const ratios = {
      oursOverBare: round(switchyard.tasksPerSec / bare.tasksPerSec, 3),
      oursOverBullmq: round(switchyard.tasksPerSec / bullmq.tasksPerSec, 3),
    };
    return {
      params,
      contenders: { bare, switchyard, bullmq },
      ratios,
      targets: THROUGHPUT_TARGETS,
      pass: { oursOverBare: ratios.oursOverBare >= THROUGHPUT_TARGETS.oursOverBare, oursOverBullmq: ratios.oursOverBullmq >= THROUGHPUT_TARGETS.oursOverBullmq },
      redisVersion,
    };
  } finally {
    await res.cleanup(k.log);
  }
}
