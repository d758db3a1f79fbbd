/**
 * Worker benchmarks, side by side on one broker (STYLE.md #12, DESIGN.md "How we measure"):
 *   npm run bench:worker [-- --only a|b|c[,..]] [--tasks N] [--warmup N] [--concurrency N] [--quick] [--client kafkajs|platformatic]
 * Writes bench/results/worker-<date>.json and prints a markdown table. Not part of npm test.
 */
import { parseArgs } from 'node:util';
import { CLIENT_FLAG_HELP, clientLibrary, parseClientFlag } from '../clients/bench-clients.js';
import { openBenchKafka } from './bench-kafka.js';
import { collectEnv, redisUrl, resolveBroker } from './bench-env.js';
import { localBrokerCpu } from './broker-cpu.js';
import { meterBrokerCpu } from './contender-meter.js';
import { runCriticalLatency } from './critical-latency.bench.js';
import { runKeyParallel } from './key-parallel.bench.js';
import { envLine, markdownTable, writeReport, type WorkerBenchReport } from './report.js';
import { runThroughput } from './throughput.bench.js';

const USAGE = `usage: npm run bench:worker -- [--only a|b|c[,a|b|c...]] [--tasks N] [--warmup N] [--concurrency N] [--quick] [${CLIENT_FLAG_HELP}]`;

function options() {
  const { values } = parseArgs({ options: { only: { type: 'string' }, tasks: { type: 'string' }, warmup: { type: 'string' }, concurrency: { type: 'string' }, client: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set((values.only ?? 'a,b,c').split(',').map((s) => s.trim()));
  if ([...only].some((s) => !['a', 'b', 'c'].includes(s))) throw new Error(`--only takes a, b or c (comma-separated). ${USAGE}`);
  const tasks = values.tasks === undefined ? undefined : Number(values.tasks);
  if (tasks !== undefined && (!Number.isInteger(tasks) || tasks < 100)) throw new Error(`--tasks must be a whole number >= 100. ${USAGE}`);
  const warmup = values.warmup === undefined ? undefined : Number(values.warmup);
  if (warmup !== undefined && (!Number.isInteger(warmup) || warmup < 0 || warmup >= (tasks ?? Number.POSITIVE_INFINITY))) throw new Error(`--warmup must be a whole number >= 0 and below --tasks. ${USAGE}`);
  // (a)'s concurrency for every contender (default 50); a worker's lane buffer is max(5000, 20 x concurrency).
  const concurrency = values.concurrency === undefined ? 50 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000) throw new Error(`--concurrency must be a whole number from 1 to 10000. ${USAGE}`);
  return { only, quick: values.quick, tasks, warmup, concurrency, client: parseClientFlag(values.client, USAGE) };
}

async function main(): Promise<void> {
  const { only, quick, tasks, warmup, concurrency, client } = options();
  const say = (line: string) => console.log(line);
  const broker = await resolveBroker();
  const env = collectEnv(broker, client);
  // The broker's CPU per task beside each contender's, when the broker is the local one.
  meterBrokerCpu(await localBrokerCpu(broker.bootstrap));
  say(`worker benchmarks (${quick ? 'quick' : 'full'}) on ${broker.bootstrap}, client ${clientLibrary(client)}\n${envLine(env)}`);
  const k = await openBenchKafka(broker.bootstrap, client);
  const started = performance.now();
  const report: WorkerBenchReport = { benchmark: 'worker', mode: quick ? 'quick' : 'full', env, durationS: 0, results: {}, errors: {} };
  const step = async (name: string, run: () => Promise<void>) => {
    say(`\n${name}`);
    try {
      await run();
    } catch (err) {
      report.errors[name] = err instanceof Error ? err.message : String(err);
      say(`  FAILED: ${report.errors[name]}`);
    }
  };
  try {
    if (only.has('a')) {
      await step('(a) throughput', async () => {
        // 100k tasks, the first 20k of each contender a warm-up (JIT) outside its measured window,
        // after a warm-up pass of every contender over 30k tasks (see ThroughputParams.warmupPassTasks).
        const total = tasks ?? (quick ? 5_000 : 100_000);
        const warmupTasks = warmup ?? Math.floor(total / 5);
        const warmupPassTasks = quick ? 0 : Math.min(30_000, total);
        const { redisVersion, ...result } = await runThroughput(k, redisUrl(), { tasks: total, warmupTasks, warmupPassTasks, concurrency, partitions: 6, payloadBytes: 1024, tenants: 1000 }, say);
        env.versions.redis = redisVersion;
        report.results.throughput = result;
      });
    }
    if (only.has('b')) {
      await step('(b) critical-lane pickup latency', async () => {
        report.results.criticalLatency = await runCriticalLatency(
          k,
          { criticalTasks: 200, intervalMs: 20, backlog: quick ? 10_000 : 100_000, backgroundHandlerMs: 1, concurrency: 50, partitions: 6, warmupTasks: 5 },
          say,
        );
      });
    }
    if (only.has('c')) {
      await step('(c) key-parallel speedup on one partition', async () => {
        report.results.keyParallel = await runKeyParallel(k, { tasks: quick ? 200 : 1000, handlerMs: 10, concurrency: 200 }, say);
      });
    }
  } finally {
    await k.close();
  }
  const done: WorkerBenchReport = { ...report, durationS: Math.round((performance.now() - started) / 1000) };
  const file = writeReport(done);
  say(`\n${envLine(env)}\n\n${markdownTable(done)}\n\nwrote ${file}`);
  // Exit now: a contender that failed (e.g. an adapter that threw mid-close) can leave client
  // handles open that would keep the process, and bench:clients waiting on it, alive.
  process.exit(Object.keys(done.errors).length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
