import { createLogger, workerGroup } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';
import { BenchResources, createBenchQueue, preloadTasks, uniqueQueue, type BenchKafka } from './bench-kafka.js';
import { round, sleep, waitUntil } from './bench-timing.js';

/**
 * (c) Key-parallel speedup on ONE partition: the same tasks with distinct ordering keys vs all
 * with one key (which must run one after another).
 */
export interface KeyParallelParams {
  readonly tasks: number;
  readonly handlerMs: number;
  readonly concurrency: number;
}

export interface KeyRunResult {
  readonly keys: number;
  /** First handler start -> last handler end. */
  readonly wallMs: number;
  /** worker.start() -> last handler end (includes group join and the first fetch). */
  readonly wallWithStartupMs: number;
  readonly maxInFlight: number;
  /** Tasks of the run handled in offset order (must hold for one key). */
  readonly inOrder: boolean;
}

export interface KeyParallelResult {
  readonly params: KeyParallelParams;
  readonly distinctKeys: KeyRunResult;
  readonly oneKey: KeyRunResult;
  readonly speedup: number;
  /** Best possible: tasks*handlerMs / (ceil(tasks/concurrency)*handlerMs). */
  readonly idealSpeedup: number;
  readonly target: number;
  readonly pass: boolean;
}

export const KEY_PARALLEL_TARGET = 100;

async function keyRun(k: BenchKafka, params: KeyParallelParams, keys: number): Promise<KeyRunResult> {
  const res = new BenchResources();
  const queue = uniqueQueue(keys === 1 ? 'keys_one' : 'keys_many');
  const name = `${queue}-worker`;
  try {
    await createBenchQueue(k, res, queue, 1, [workerGroup(name)]);
    await preloadTasks(k, { queue, lane: 'normal', count: params.tasks, task: (i) => ({ type: 'sleepy', tenant: 'tenant-1', orderingKey: `key-${i % keys}`, payload: { i } }) });
    let inFlight = 0;
    let maxInFlight = 0;
    let firstStart = 0;
    let lastEnd = 0;
    let done = 0;
    const order: number[] = [];
    const worker = createWorker(
      k.client,
      { config: { name, queues: [queue], queueConfigs: [{ name: queue, concurrency: params.concurrency }] }, queueOptions: { [queue]: { ordered: true } } },
      {
        sleepy: async (task) => {
          if (firstStart === 0) firstStart = performance.now();
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          order.push((task.payload as { i: number }).i);
          await sleep(params.handlerMs);
          inFlight--;
          lastEnd = performance.now();
          done++;
        },
      },
      { log: createLogger('bench.worker', { level: 'warn' }) },
    );
    res.defer(() => worker.close());
    const startedAt = performance.now();
    await worker.start();
    await waitUntil(() => done >= params.tasks, {
      what: `key-parallel (${keys} keys)`,
      timeoutMs: 60_000 + params.tasks * params.handlerMs * 3,
      intervalMs: 5,
      progress: () => `${done}/${params.tasks}`,
    });
    return {
      keys,
      wallMs: round(lastEnd - firstStart, 1),
      wallWithStartupMs: round(lastEnd - startedAt, 1),
      maxInFlight,
      inOrder: order.every((v, i) => i === 0 || v > order[i - 1]!),
    };
  } finally {
    await res.cleanup(k.log);
  }
}

export async function runKeyParallel(k: BenchKafka, params: KeyParallelParams, say: (line: string) => void): Promise<KeyParallelResult> {
  const distinctKeys = await keyRun(k, params, params.tasks);
  say(`  ${params.tasks} keys: ${distinctKeys.wallMs} ms (max in flight ${distinctKeys.maxInFlight})`);
  const oneKey = await keyRun(k, params, 1);
  say(`  1 key: ${oneKey.wallMs} ms (max in flight ${oneKey.maxInFlight}, in order: ${oneKey.inOrder})`);
  const speedup = round(oneKey.wallMs / distinctKeys.wallMs, 1);
  const idealSpeedup = round(params.tasks / Math.ceil(params.tasks / params.concurrency), 1);
  return { params, distinctKeys, oneKey, speedup, idealSpeedup, target: KEY_PARALLEL_TARGET, pass: speedup >= KEY_PARALLEL_TARGET && oneKey.inOrder && oneKey.maxInFlight === 1 };
}
