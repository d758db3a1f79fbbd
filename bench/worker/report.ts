import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientLibrary } from '../clients/bench-clients.js';
import { REPO_ROOT, type BenchEnv } from './bench-env.js';
import type { CriticalLatencyResult } from './critical-latency.bench.js';
import type { KeyParallelResult } from './key-parallel.bench.js';
import type { ThroughputResult } from './throughput.bench.js';

/** What one `npm run bench:worker` writes to bench/results/worker-<date>.json. */
export interface WorkerBenchReport {
  readonly benchmark: 'worker';
  readonly mode: 'quick' | 'full';
  readonly env: BenchEnv;
  readonly durationS: number;
  readonly results: {
    throughput?: ThroughputResult;
    criticalLatency?: CriticalLatencyResult;
    keyParallel?: KeyParallelResult;
  };
  /** Failures of a benchmark that could not finish (timeouts, broker errors). */
  readonly errors: Record<string, string>;
}

/** Writes a benchmark report as `bench/results/<benchmark>-<date>.json`; returns the file path. */
export function writeReport(report: { readonly benchmark: string; readonly env: { readonly date: string } }): string {
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.benchmark}-${report.env.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const verdict = (pass: boolean) => (pass ? 'pass' : '**miss**');
const num = (n: number) => n.toLocaleString('en-US');

/** The results as a markdown table (printed, and pasted into bench/README.md). */
export function markdownTable(report: WorkerBenchReport): string {
  const rows: string[][] = [];
  const { throughput: a, criticalLatency: b, keyParallel: c } = report.results;
  if (a) {
    const { bare, bareTransactional, switchyard, switchyardNoCompleted, bullmq, bullmqKeepCompleted } = a.contenders;
    const p = a.params;
    const what = `${num(p.tasks)} no-op tasks, 1 KB, concurrency ${p.concurrency}, ${p.partitions} partitions; rates after ${num(p.warmupTasks)} warm-up tasks`;
    const rate = (r: { tasksPerSec: number; cpuUsPerRecord: number; brokerCpuUsPerRecord?: number }) =>
      `${num(r.tasksPerSec)} tasks/s; ${r.cpuUsPerRecord} µs CPU/task${r.brokerCpuUsPerRecord === undefined ? '' : `; broker ${r.brokerCpuUsPerRecord} µs CPU/task`}`;
    const ratio = (name: keyof typeof a.ratios, label: string) =>
      rows.push(['', label, `${a.ratios[name]}x`, `>= ${a.targets.resolve[name]}x to resolve, ${a.targets.goal[name]}x goal`, verdict(a.pass[name])]);
    rows.push(['(a) throughput', `bare ${bare.api} (${what})`, rate(bare), '', '']);
    if (bareTransactional) rows.push(['', 'bare platformatic exactly-once loop (decode, a completed record per task, a transaction per fetch)', rate(bareTransactional), '', '']);
    rows.push(['', `Switchyard worker (${report.env.client}), completed status records`, rate(switchyard), '', '']);
    rows.push(['', 'Switchyard worker, no completed records (`statusOnSuccess: false`)', rate(switchyardNoCompleted), '', '']);
    rows.push(['', 'BullMQ (Redis), completed jobs kept', rate(bullmqKeepCompleted), '', '']);
    rows.push(['', 'BullMQ (Redis), removeOnComplete', rate(bullmq), '', '']);
    ratio('oursOverBare', `ours / bare ${report.env.client}`);
    ratio('noCompletedOverBare', `ours without completed records / bare ${report.env.client}`);
    if (a.reference) rows.push(['', 'ours / bare exactly-once loop', `${a.reference.oursOverBareTransactional}x`, 'reference, not a bar', '']);
    ratio('oursOverBullmq', 'ours / BullMQ keeping completed jobs');
    ratio('noCompletedOverBullmq', 'ours without completed records / BullMQ removeOnComplete');
  }
  if (b) {
    const l = (d: CriticalLatencyResult['noBacklog']) => `p50 ${d.latencyMs.p50} / p95 ${d.latencyMs.p95} / p99 ${d.latencyMs.p99} ms`;
    const p = b.params;
    rows.push(['(b) critical pickup', `no backlog (${p.criticalTasks} tasks, 1 per ${p.intervalMs} ms)`, l(b.noBacklog), '', '']);
    rows.push(['', `${num(p.backlog)} background tasks queued, ${p.backgroundHandlerMs} ms handler, concurrency ${p.concurrency}`, l(b.withBacklog), '', '']);
    const ack = (d: CriticalLatencyResult['noBacklog']) => `enqueue ack p50 ${d.enqueueAckMs.p50} / p99 ${d.enqueueAckMs.p99} ms; ack -> start p50 ${d.ackToStartMs.p50} / p99 ${d.ackToStartMs.p99} ms`;
    rows.push(['', 'breakdown, no backlog', ack(b.noBacklog), '', '']);
    rows.push(['', 'breakdown, backlog', ack(b.withBacklog), '', '']);
    rows.push(['', 'p99 backlog / no backlog', `${b.ratioP99}x`, `<= ${b.target}x`, verdict(b.pass)]);
  }
  if (c) {
    const p = c.params;
    rows.push(['(c) key-parallel, 1 partition', `${num(p.tasks)} tasks x ${p.handlerMs} ms, ${num(p.tasks)} keys, concurrency ${p.concurrency}`, `${num(c.distinctKeys.wallMs)} ms (max ${c.distinctKeys.maxInFlight} in flight)`, '', '']);
    rows.push(['', 'same tasks, one key', `${num(c.oneKey.wallMs)} ms (in order: ${c.oneKey.inOrder})`, '', '']);
    rows.push(['', `speedup (ideal ${c.idealSpeedup}x)`, `${c.speedup}x`, `>= ${c.target}x`, verdict(c.pass)]);
  }
  for (const [name, message] of Object.entries(report.errors)) rows.push([name, 'did not finish', message.replace(/\|/g, '/'), '', 'error']);
  const head = ['benchmark', 'contender / measure', 'result', 'target', ''];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** One line about where and when it ran. */
export function envLine(env: BenchEnv): string {
  const m = env.machine;
  const v = env.versions;
  return `${env.date}: ${m.cpus} x ${m.cpuModel}, ${m.memGiB} GiB, ${m.os}; Node ${env.node}; Kafka ${v.kafka} (${env.broker.source}); client ${clientLibrary(env.client, v.clients)}; BullMQ ${v.bullmq}, Redis ${v.redis ?? 'n/a'}; commit ${v.gitCommit.slice(0, 10)}${v.gitDirty ? ' (dirty)' : ''}`;
}
