/**
 * What one `npm run bench:events` writes to bench/results/events-<date>.json, and the same
 * results as a markdown table (printed, and pasted into bench/README.md).
 */
import { clientLibrary } from '../clients/bench-clients.js';
import type { BenchEnv } from '../worker/bench-env.js';
import type { ProcessLoad } from './bench-events.js';
import type { LatencyResult, LatencyScenario } from './latency.bench.js';
import type { ThroughputResult } from './throughput.bench.js';

export interface EventsBenchReport {
  readonly benchmark: 'events';
  readonly mode: 'quick' | 'full';
  readonly env: BenchEnv;
  readonly tools: { readonly switchyardEvents: string };
  readonly durationS: number;
  readonly results: {
    throughput?: ThroughputResult;
    latency?: LatencyResult;
  };
  /** What the run deleted at the end. */
  cleanup?: { readonly topics: number; readonly groups: number } | { readonly error: string };
  /** Failures of a benchmark that could not finish (timeouts, broker errors). */
  readonly errors: Record<string, string>;
}

/** JSON output: the worker benchmark's writer serves every benchmark (`bench/results/events-<date>.json`). */
export { writeReport } from '../worker/report.js';

const num = (n: number) => n.toLocaleString('en-US');
const cpu = (l: ProcessLoad) => `CPU ${l.cpuMsPerEvent} ms/event, event loop ${Math.round(l.eventLoopUtilization * 100)}% busy`;
const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;

function throughputRows(a: ThroughputResult, client: string): string[][] {
  const p = a.params;
  const { publish, consume, ratios } = a;
  const what = `${num(p.events)} events, ~1 KB, ${p.tenants} tenants, ${p.partitions} partitions; consume rates after ${num(p.warmupEvents)} warm-up events`;
  return [
    ['(a) publish', `bare ${publish.bare.api} (${what}, chunks of ${num(p.chunkSize)})`, `${num(publish.bare.eventsPerSec)} events/s`, `${ms(publish.bare.ms)}; ${cpu(publish.bare.load)}`],
    ['', `\`bus.publishMany\` (same events, chunks of ${num(p.chunkSize)})`, `${num(publish.switchyard.eventsPerSec)} events/s`, `**${ratios.publishOursOverBare}x** bare; ${ms(publish.switchyard.ms)}; ${cpu(publish.switchyard.load)}`],
    ['(a) consume', `bare ${consume.bare.api}, no-op under a limit of ${p.concurrency}, commit per batch`, `${num(consume.bare.eventsPerSec)} events/s`, `${ms(consume.bare.steadyMs)}; start-up ${ms(consume.bare.startupMs)}; ${consume.bare.cpuUsPerRecord} µs CPU/event steady; ${cpu(consume.bare.load)}`],
    [
      '',
      `Switchyard subscription (${client}), \`eventLog: false\`, concurrency ${p.concurrency}`,
      `${num(consume.switchyardNoLog.eventsPerSec)} events/s`,
      `**${ratios.noLogOverBare}x** bare; ${ms(consume.switchyardNoLog.steadyMs)}; handled ${num(consume.switchyardNoLog.eventsPerSecHandled)}/s; start-up ${ms(consume.switchyardNoLog.startupMs)}; ${cpu(consume.switchyardNoLog.load)}`,
    ],
    [
      '',
      `Switchyard subscription (${client}), \`eventLog: true\` (default)`,
      `${num(consume.switchyardEventLog.eventsPerSec)} events/s`,
      `**${ratios.eventLogOverBare}x** bare (${ratios.eventLogOverNoLog}x of eventLog false); ${ms(consume.switchyardEventLog.steadyMs)}; handled ${num(consume.switchyardEventLog.eventsPerSecHandled)}/s; start-up ${ms(consume.switchyardEventLog.startupMs)}; ${cpu(consume.switchyardEventLog.load)}`,
    ],
  ];
}

function latencyRows(b: LatencyResult, client: string): string[][] {
  const p = b.params;
  const l = (s: LatencyScenario) => `p50 ${s.latencyMs.p50} / p95 ${s.latencyMs.p95} / p99 ${s.latencyMs.p99} / max ${s.latencyMs.max} ms`;
  const detail = (s: LatencyScenario) => `${num(s.published)} events at ${s.achievedRate}/s; publish ack p50 ${s.publishAckMs.p50} / p99 ${s.publishAckMs.p99} ms; ${cpu(s.load)}`;
  return [
    ['(b) latency', `bare ${b.bare.client}: one \`send\` per event + a consumer group (${p.rate}/s for ${p.seconds} s)`, l(b.bare), detail(b.bare)],
    ['', `Switchyard (${client}) \`bus.publish\` per event + subscription (eventLog ${p.eventLog}, concurrency ${p.concurrency})`, l(b.switchyard), detail(b.switchyard)],
    ['', 'ours / bare', `p50 **${b.ratios.p50}x**, p99 **${b.ratios.p99}x**`, `p95 ${b.ratios.p95}x, max ${b.ratios.max}x`],
  ];
}

/** The results as a markdown table. */
export function markdownTable(report: EventsBenchReport): string {
  const { throughput: a, latency: b } = report.results;
  const rows = [...(a ? throughputRows(a, report.env.client) : []), ...(b ? latencyRows(b, report.env.client) : [])];
  for (const [name, message] of Object.entries(report.errors)) rows.push([name, 'did not finish', message.replace(/\|/g, '/').replace(/\n/g, ' '), 'error']);
  const head = ['benchmark', 'contender / measure', 'result', 'detail'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** One line about where and when it ran. */
export function envLine(report: EventsBenchReport): string {
  const { env, tools } = report;
  const m = env.machine;
  const v = env.versions;
  return `${env.date}: ${m.cpus} x ${m.cpuModel}, ${m.memGiB} GiB, ${m.os}, load ${m.loadAvgAtStart.join('/')}; Node ${env.node}; Kafka ${v.kafka} (${env.broker.source} ${env.broker.bootstrap}); client ${clientLibrary(env.client, v.clients)}; @switchyard/events ${tools.switchyardEvents}; commit ${v.gitCommit.slice(0, 10)}${v.gitDirty ? ' (dirty)' : ''}`;
}
