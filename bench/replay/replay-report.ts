/**
 * What one `npm run bench:replay` writes to bench/results/replay-<date>.json, and the same
 * results as a markdown table (printed, and pasted into bench/README.md).
 */
import { clientLibrary } from '../clients/bench-clients.js';
import type { BenchEnv } from '../worker/bench-env.js';
import type { KcatRun, SwitchyardRun } from './replay.contenders.js';
import type { CopyCount } from './replay-topics.js';
import type { TransactionCeiling } from './transaction-ceiling.js';

export interface ReplayParams {
  readonly records: number;
  readonly partitions: number;
  readonly keyBytesMax: number;
  readonly valueBytes: number;
  readonly preload: { readonly chunkSize: number; readonly acks: 1; readonly inFlight: number };
  /** Records sent by each measurement of the transaction ceiling. */
  readonly ceilingRecords: number;
}

interface Measured {
  readonly count: CopyCount;
  /** records / wall seconds (spawn -> exit). */
  readonly recordsPerSec: number;
  /** CPU time of the contender's processes (all threads, start-up included) per record, µs; null where not measurable. */
  readonly cpuUsPerRecord: number | null;
}

export type SwitchyardResult = SwitchyardRun &
  Measured & {
    /** records / the CLI's own `seconds` (copy loop only: no start-up, planning or group join). */
    readonly copyLoopRecordsPerSec: number | null;
    /** Transaction markers / partitions: each chunk's commit writes one marker per target partition it touched. */
    readonly approxTransactions: number;
    readonly approxTransactionsPerSec: number | null;
  };

export type KcatResult = KcatRun & Measured;

export interface ReplayBenchReport {
  readonly benchmark: 'replay';
  readonly mode: 'quick' | 'full';
  readonly env: BenchEnv;
  readonly tools: { readonly kcat: string; readonly switchyardCli: string; readonly kcatHeaders: 'not carried' };
  readonly params: ReplayParams;
  readonly durationS: number;
  preload?: { readonly ms: number; readonly recordsPerSec: number };
  readonly results: {
    switchyard?: SwitchyardResult;
    kcat?: KcatResult;
    /** switchyard records/s over kcat records/s (wall times). */
    ratio?: number;
    /** switchyard CPU per record over kcat's (issue 10's target: within 3x). */
    cpuRatio?: number | null;
    readonly target: number;
    readonly cpuTarget: number;
    pass?: boolean;
    cliStartupMs?: number;
    transactionCeiling?: TransactionCeiling;
  };
  readonly errors: Record<string, string>;
}

/** JSON output: the worker benchmark's writer serves both (`bench/results/replay-<date>.json`). */
export { writeReport } from '../worker/report.js';

const num = (n: number | null | undefined) => (n === null || n === undefined ? 'n/a' : n.toLocaleString('en-US'));
const secs = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
/** `12.3 CPU-s, 1.6 cores busy` of a contender, or nothing when not measured. */
const cpuOf = (cpuMs: number | null, wallMs: number) => (cpuMs === null ? '' : `; ${(cpuMs / 1000).toFixed(1)} CPU-s, ${(cpuMs / wallMs).toFixed(2)} cores busy`);
const exactness = (c: CopyCount) =>
  c.exact ? `exactly ${num(c.records)} records, each key once` : `**${num(c.records)} records, ${num(c.duplicates)} duplicates, ${num(c.missing)} missing**`;

function switchyardRows(s: SwitchyardResult, p: ReplayParams): string[][] {
  return [
    [`switchyard replay (${num(p.records)} records, ${p.partitions} partitions, transactional)`, `${num(s.recordsPerSec)} records/s`, `${secs(s.wallMs)} wall; ${exactness(s.count)}${cpuOf(s.cpuMs, s.wallMs)}`],
    ['  start-up (spawn -> first copy in target)', secs(s.progress.firstEntryMs), ''],
    ['  copy loop (the CLI summary\'s seconds)', `${num(s.copyLoopRecordsPerSec)} records/s`, `${s.summary?.seconds ?? 'n/a'} s; steady 10-90%: ${num(s.progress.steadyPerSec)} entries/s`],
    ['  transactions', `~${num(s.approxTransactions)} (~${num(s.approxTransactionsPerSec)}/s)`, `${num(s.count.nonRecordEntries)} markers in the target`],
  ];
}

/** The results as a markdown table. */
export function markdownTable(report: ReplayBenchReport): string {
  const rows: string[][] = [];
  const { switchyard: s, kcat: k, ratio, target, pass, cliStartupMs, transactionCeiling: c } = report.results;
  if (s) rows.push(...switchyardRows(s, report.params));
  if (k) rows.push(['kcat -C \\| kcat -P (keys + values, no headers)', `${num(k.recordsPerSec)} records/s`, `${secs(k.wallMs)} wall; ${exactness(k.count)}; first copy after ${secs(k.progress.firstEntryMs)}${cpuOf(k.cpuMs, k.wallMs)}`]);
  if (ratio !== undefined) rows.push([`**switchyard (${report.env.client}) / kcat**`, `**${ratio}x**`, `target >= ${target}x: ${pass ? 'pass' : '**miss**'}`]);
  if (s && k) {
    const within = report.results.cpuRatio != null && report.results.cpuRatio <= report.results.cpuTarget;
    rows.push(['CPU per record, switchyard / kcat', `${s.cpuUsPerRecord ?? 'n/a'} / ${k.cpuUsPerRecord ?? 'n/a'} µs = ${report.results.cpuRatio ?? 'n/a'}x`, `target <= ${report.results.cpuTarget}x: ${within ? 'pass' : '**miss**'}`]);
  }
  if (cliStartupMs !== undefined) rows.push(['CLI start-up alone (`switchyard --help`)', secs(cliStartupMs), '']);
  if (c) {
    const t = c.transactional;
    const st = t.steps;
    rows.push([`${t.chunks} transactions of ${num(t.chunkRecords)} replay-shaped records, back to back on one producer`, `${num(t.recordsPerSec)} records/s`, `${t.chunksPerSec} tx/s; p50 ${t.msPerChunk.p50} / p99 ${t.msPerChunk.p99} ms; begin+send ${st.beginAndSendMs} / sendOffsets ${st.sendOffsetsMs} / commit ${st.commitMs} ms; ${t.cpuUsPerRecord} µs CPU/record, ${t.coresBusy} cores busy`]);
    rows.push([`${c.plain.chunks} plain idempotent sends of ${num(c.plain.chunkRecords)} (no transaction)`, `${num(c.plain.recordsPerSec)} records/s`, `p50 ${c.plain.msPerChunk.p50} / p99 ${c.plain.msPerChunk.p99} ms per send; ${c.plain.cpuUsPerRecord} µs CPU/record, ${c.plain.coresBusy} cores busy`]);
  }
  for (const [name, message] of Object.entries(report.errors)) rows.push([name, 'did not finish', message.replace(/\|/g, '/').replace(/\n/g, ' ')]);
  const head = ['contender / measure', 'result', 'detail'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** One line about where and when it ran. */
export function envLine(report: ReplayBenchReport): string {
  const { env, tools } = report;
  const m = env.machine;
  const v = env.versions;
  return `${env.date}: ${m.cpus} x ${m.cpuModel}, ${m.memGiB} GiB, ${m.os}, load ${m.loadAvgAtStart.join('/')}; Node ${env.node}; Kafka ${v.kafka} (${env.broker.source} ${env.broker.bootstrap}); client ${clientLibrary(env.client, v.clients)}; switchyard CLI ${tools.switchyardCli}, kcat ${tools.kcat}; commit ${v.gitCommit.slice(0, 10)}${v.gitDirty ? ' (dirty)' : ''}`;
}
