/**
 * Replay benchmark, side by side on one broker and the same range (STYLE.md #12):
 *   npm run bench:replay [-- --records N] [--quick] [--client kafkajs|platformatic]
 * Preloads N records (~200 bytes) into a fresh 6-partition topic, copies them once with
 * `switchyard replay` and once with a kcat pipe, checks each copy holds exactly N records, and
 * writes bench/results/replay-<date>.json plus a markdown table. Not part of npm test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { replayGroup } from '@switchyard/kafka';
import { CLIENT_FLAG_HELP, clientLibrary, parseClientFlag } from '../clients/bench-clients.js';
import { collectEnv, REPO_ROOT, resolveBroker } from '../worker/bench-env.js';
import { BenchResources, openBenchKafka, type BenchKafka } from '../worker/bench-kafka.js';
import { round } from '../worker/bench-timing.js';
import { cliStartupMs, kcatVersion, runKcatPipe, runSwitchyardReplay } from './replay.contenders.js';
import { envLine, markdownTable, writeReport, type ReplayBenchReport, type ReplayParams } from './replay-report.js';
import { countCopies, createTopics, preloadSource, uniqueTopic, VALUE_BYTES, type PreloadResult } from './replay-topics.js';
import { measureTransactionCeiling } from './transaction-ceiling.js';

const USAGE = `usage: npm run bench:replay -- [--records N (default 1,000,000)] [--quick (100,000)] [${CLIENT_FLAG_HELP}]`;
const PARTITIONS = 6;
/** The target: switchyard replay at least as fast as the kcat pipe. */
const TARGET_RATIO = 1;
/** Issue 10's target: CPU per replayed record within 3x of kcat's. */
const TARGET_CPU_RATIO = 3;

function options() {
  const { values } = parseArgs({ options: { records: { type: 'string' }, client: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const records = values.records === undefined ? (values.quick ? 100_000 : 1_000_000) : Number(values.records.replace(/[_,]/g, ''));
  if (!Number.isInteger(records) || records < 1_000) throw new Error(`--records must be a whole number >= 1000. ${USAGE}`);
  return { records, quick: values.quick, client: parseClientFlag(values.client, USAGE) };
}

function cliVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(REPO_ROOT, 'services/cli/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Deadlines grow with the record count; generous, so only a stuck run hits them. */
const deadlines = (n: number) => ({ switchyardMs: 120_000 + n * 0.5, kcatMs: 60_000 + n * 0.1, countMs: 60_000 + n * 0.1 });

const usPerRecord = (cpuMs: number | null, n: number) => (cpuMs === null ? null : round((cpuMs * 1000) / n, 2));

async function runBoth(k: BenchKafka, report: ReplayBenchReport, preload: PreloadResult, topics: { source: string; a: string; b: string }, say: (line: string) => void): Promise<void> {
  const n = report.params.records;
  const limits = deadlines(n);
  const r = report.results;
  const replayId = `bench-${randomUUID().slice(0, 8)}`;
  try {
    say(`\nswitchyard replay (${k.clientName}) ${topics.source} -> ${topics.a} (id ${replayId})`);
    const run = await runSwitchyardReplay(k, { source: topics.source, target: topics.a, ends: preload.ends, replayId, timeoutMs: limits.switchyardMs });
    if (run.exitCodes[0] !== 0) throw new Error(`switchyard replay exited ${run.exitCodes[0]}: ${run.stderrTail}`);
    const count = await countCopies(k, topics.a, n, limits.countMs);
    const loopS = run.summary?.seconds;
    const approxTransactions = Math.round(count.nonRecordEntries / PARTITIONS);
    r.switchyard = {
      ...run,
      count,
      recordsPerSec: Math.round(n / (run.wallMs / 1000)),
      cpuUsPerRecord: usPerRecord(run.cpuMs, n),
      copyLoopRecordsPerSec: loopS ? Math.round(n / loopS) : null,
      approxTransactions,
      approxTransactionsPerSec: loopS ? round(approxTransactions / loopS, 1) : null,
    };
    say(`  ${r.switchyard.recordsPerSec} records/s, ${run.wallMs} ms wall, first copy after ${run.progress.firstEntryMs} ms; ${count.records} records read back (exact: ${count.exact})`);
  } finally {
    await k.rawAdmin.deleteGroups([replayGroup(replayId)]).catch(() => undefined);
  }
  say(`\nkcat pipe ${topics.source} -> ${topics.b}`);
  const kc = await runKcatPipe(k, { source: topics.source, target: topics.b, timeoutMs: limits.kcatMs });
  if (kc.exitCodes.some((c) => c !== 0)) throw new Error(`kcat pipe exited ${kc.exitCodes.join('/')}: ${kc.stderrTail}`);
  const kcCount = await countCopies(k, topics.b, n, limits.countMs);
  r.kcat = { ...kc, count: kcCount, recordsPerSec: Math.round(n / (kc.wallMs / 1000)), cpuUsPerRecord: usPerRecord(kc.cpuMs, n) };
  say(`  ${r.kcat.recordsPerSec} records/s, ${kc.wallMs} ms wall; ${kcCount.records} records read back (exact: ${kcCount.exact})`);
  r.ratio = round(r.switchyard.recordsPerSec / r.kcat.recordsPerSec, 3);
  r.cpuRatio = r.switchyard.cpuUsPerRecord !== null && r.kcat.cpuUsPerRecord ? round(r.switchyard.cpuUsPerRecord / r.kcat.cpuUsPerRecord, 2) : null;
  r.pass = r.ratio >= TARGET_RATIO && r.switchyard.count.exact && r.kcat.count.exact;
}

async function main(): Promise<void> {
  const { records, quick, client } = options();
  const say = (line: string) => console.log(line);
  const kcat = kcatVersion();
  const broker = await resolveBroker();
  const params: ReplayParams = { records, partitions: PARTITIONS, keyBytesMax: String(records - 1).length + 1, valueBytes: VALUE_BYTES, preload: { chunkSize: 5_000, acks: 1, inFlight: 4 }, ceilingRecords: quick ? 50_000 : 250_000 };
  const report: ReplayBenchReport = {
    benchmark: 'replay',
    mode: quick ? 'quick' : 'full',
    env: collectEnv(broker, client),
    tools: { kcat, switchyardCli: cliVersion(), kcatHeaders: 'not carried' },
    params,
    durationS: 0,
    results: { target: TARGET_RATIO, cpuTarget: TARGET_CPU_RATIO },
    errors: {},
  };
  say(`replay benchmark (${report.mode}, ${records.toLocaleString('en-US')} records) on ${broker.bootstrap}, client ${clientLibrary(client)}\n${envLine(report)}`);
  const started = performance.now();
  const k = await openBenchKafka(broker.bootstrap, client);
  const res = new BenchResources();
  const topics = { source: uniqueTopic('src'), a: uniqueTopic('switchyard'), b: uniqueTopic('kcat'), c: uniqueTopic('ceiling') };
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      report.errors[name] = err instanceof Error ? err.message : String(err);
      say(`  FAILED (${name}): ${report.errors[name]}`);
    }
  };
  try {
    await createTopics(k, res, Object.values(topics), PARTITIONS);
    say(`\npreloading ${topics.source}`);
    const preload = await preloadSource(k, topics.source, records, PARTITIONS, params.preload.chunkSize, params.preload.inFlight);
    report.preload = { ms: Math.round(preload.ms), recordsPerSec: Math.round(records / (preload.ms / 1000)) };
    say(`  ${records} records in ${Math.round(preload.ms)} ms`);
    await step('CLI start-up', async () => {
      report.results.cliStartupMs = await cliStartupMs();
    });
    await step('replay side by side', () => runBoth(k, report, preload, topics, say));
    say(`\ntransaction ceiling (${params.ceilingRecords} records)`);
    await step('transaction ceiling', async () => {
      report.results.transactionCeiling = await measureTransactionCeiling(k, topics.source, topics.c, params.ceilingRecords);
    });
  } finally {
    await res.cleanup(k.log);
    await k.close();
  }
  const done: ReplayBenchReport = { ...report, durationS: Math.round((performance.now() - started) / 1000) };
  const file = writeReport(done);
  say(`\n${envLine(done)}\n\n${markdownTable(done)}\n\nwrote ${file}`);
  // Exit now: a contender that failed (e.g. an adapter that threw mid-close) can leave client
  // handles open that would keep the process, and bench:clients waiting on it, alive.
  process.exit(Object.keys(done.errors).length > 0 ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
