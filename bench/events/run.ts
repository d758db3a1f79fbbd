/**
 * Event bus benchmarks, side by side with bare kafkajs on one broker (STYLE.md #12, DESIGN.md
 * "How we measure"):
 *   npm run bench:events [-- --only a|b] [--events N] [--rate R] [--seconds S] [--quick] [--client kafkajs|platformatic]
 * (a) publish-to-handler throughput of N preloaded events, (b) publish -> handler latency at a
 * fixed rate. Writes bench/results/events-<date>.json and prints a markdown table. Not part of
 * npm test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@switchyard/kafka';
import { CLIENT_FLAG_HELP, clientLibrary, parseClientFlag } from '../clients/bench-clients.js';
import { collectEnv, REPO_ROOT, resolveBroker } from '../worker/bench-env.js';
import { openBenchKafka } from '../worker/bench-kafka.js';
import { RunResources } from './bench-events.js';
import { envLine, markdownTable, writeReport, type EventsBenchReport } from './events-report.js';
import { runLatency } from './latency.bench.js';
import { runThroughput } from './throughput.bench.js';

const USAGE = `usage: npm run bench:events -- [--only a|b] [--events N (default 100,000; the first fifth of each consumer's is a warm-up outside its measured window)] [--rate R events/s (default 500)] [--seconds S (default 20)] [--quick (5,000 events, 5 s)] [${CLIENT_FLAG_HELP}]`;

function whole(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}. ${USAGE}`);
  return n;
}

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      events: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      client: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set((values.only ?? 'a,b').split(',').map((s) => s.trim()));
  if (only.size === 0 || [...only].some((s) => s !== 'a' && s !== 'b')) throw new Error(`--only takes a or b. ${USAGE}`);
  const quick = values.quick;
  return {
    only,
    quick,
    client: parseClientFlag(values.client, USAGE),
    events: whole('events', values.events, 1_000) ?? (quick ? 5_000 : 100_000),
    rate: whole('rate', values.rate, 1) ?? 500,
    seconds: whole('seconds', values.seconds, 1) ?? (quick ? 5 : 20),
  };
}

function eventsVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'libs/events/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const opts = options();
  const say = (line: string) => console.log(line);
  const broker = await resolveBroker();
  const report: EventsBenchReport = { benchmark: 'events', mode: opts.quick ? 'quick' : 'full', env: collectEnv(broker, opts.client), tools: { switchyardEvents: eventsVersion() }, durationS: 0, results: {}, errors: {} };
  say(`event bus benchmarks (${report.mode}) on ${broker.bootstrap}, client ${clientLibrary(opts.client)}\n${envLine(report)}`);
  const k = await openBenchKafka(broker.bootstrap, opts.client);
  const log = createLogger('bench.events', { level: 'warn' });
  const res = new RunResources();
  const started = performance.now();
  const step = async (name: string, run: () => Promise<void>) => {
    say(`\n${name}`);
    try {
      await run();
    } catch (err) {
      report.errors[name] = err instanceof Error ? err.message : String(err);
      say(`  FAILED: ${report.errors[name]}`);
    }
  };
  const shared = { concurrency: 50, partitions: 6, tenants: 100, payloadBytes: 1024 };
  try {
    if (opts.only.has('a')) {
      await step('(a) publish-to-handler throughput', async () => {
        report.results.throughput = await runThroughput(k, res, { ...shared, events: opts.events, warmupEvents: Math.floor(opts.events / 5), chunkSize: 1000 }, log, say);
      });
    }
    if (opts.only.has('b')) {
      await step('(b) end-to-end latency at a fixed rate', async () => {
        report.results.latency = await runLatency(k, res, { ...shared, rate: opts.rate, seconds: opts.seconds, warmupEvents: 20, eventLog: true }, log, say);
      });
    }
  } finally {
    report.cleanup = await res.cleanup(k).catch((err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }));
    await k.close();
  }
  const done: EventsBenchReport = { ...report, durationS: Math.round((performance.now() - started) / 1000) };
  const file = writeReport(done);
  say(`\n${envLine(done)}\n\n${markdownTable(done)}\n\nwrote ${file}`);
  // Exit now: a contender that failed (e.g. an adapter that threw mid-close) can leave client
  // handles open that would keep the process, and bench:clients waiting on it, alive.
  process.exit(Object.keys(done.errors).length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
