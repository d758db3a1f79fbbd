/**
 * Every bare consume loop, one after the other on the same broker, each over its own freshly
 * preloaded queue (same layout, records, concurrency and commit cadence as bench:worker (a)):
 *   npx tsx bench/clients/bare-loops.ts [--tasks N (default 50,000)] [--quick (5,000)] [--api a,b]
 * Used to smoke a bare loop without a Switchyard adapter (it once picked the removed Confluent
 * client's faster API). Prints one line per loop; writes no file.
 */
import { parseArgs } from 'node:util';
import { resolveBroker } from '../worker/bench-env.js';
import { BenchResources, createBenchQueue, openBenchKafka, PAYLOAD_1KB, preloadTasks, uniqueQueue } from '../worker/bench-kafka.js';
import { runBareConsumer, type BareConsumerApi } from './bare-consumers.js';
import type { BenchClient } from './bench-clients.js';

const LOOPS: Record<string, { client: BenchClient; api: BareConsumerApi }> = {
  kafkajs: { client: 'kafkajs', api: 'kafkajs eachBatch' },
  platformatic: { client: 'platformatic', api: 'platformatic consume stream' },
  'platformatic-fetch': { client: 'platformatic', api: 'platformatic fetch' },
};
const USAGE = `usage: npx tsx bench/clients/bare-loops.ts [--tasks N] [--quick] [--api ${Object.keys(LOOPS).join(',')}]`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tasks: { type: 'string' }, quick: { type: 'boolean', default: false }, api: { type: 'string' } } });
  const tasks = values.tasks === undefined ? (values.quick ? 5_000 : 50_000) : Number(values.tasks);
  if (!Number.isInteger(tasks) || tasks < 100) throw new Error(`--tasks must be a whole number >= 100. ${USAGE}`);
  const names = (values.api ?? Object.keys(LOOPS).join(',')).split(',').map((s) => s.trim());
  for (const name of names) if (!LOOPS[name]) throw new Error(`--api takes ${Object.keys(LOOPS).join(', ')}. ${USAGE}`);
  const broker = await resolveBroker();
  const k = await openBenchKafka(broker.bootstrap);
  const params = { tasks, concurrency: 50, partitions: 6, timeoutMs: 120_000 + tasks * 5 };
  try {
    for (const name of names) {
      const res = new BenchResources();
      try {
        const queue = uniqueQueue('bare');
        const groupId = `${queue}-bare`;
        await createBenchQueue(k, res, queue, params.partitions, [groupId]);
        const preloadMs = await preloadTasks(k, { queue, lane: 'normal', count: tasks, task: (i) => ({ type: 'noop', tenant: `tenant-${i % 1000}`, payload: PAYLOAD_1KB }) });
        const r = await runBareConsumer(LOOPS[name]!.client, k, queue, groupId, { ...params, preloadMs }, LOOPS[name]!.api);
        console.log(`${r.api}: ${r.tasksPerSec} tasks/s (${r.steadyMs} ms, start-up ${r.startupMs} ms), ${r.cpuUsPerRecord} µs CPU/record`);
      } catch (err) {
        console.log(`${name}: FAILED ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await res.cleanup(k.log);
      }
    }
  } finally {
    await k.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
