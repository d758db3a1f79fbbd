/**
 * bench:clients' comparison: the numbers of each client's bench:worker (a), bench:events (a) and
 * bench:replay results, one row per client, each cell with its ratio to kafkajs' (the first
 * client's when kafkajs did not run).
 */
import type { EventsBenchReport } from '../events/events-report.js';
import type { ReplayBenchReport } from '../replay/replay-report.js';
import type { WorkerBenchReport } from '../worker/report.js';
import type { BenchClient } from './bench-clients.js';

/** What one client's runs gave; null where that bench (or part) did not finish. */
export interface ClientRow {
  readonly client: BenchClient;
  readonly library: string;
  /** events (a): the library's bare producer (idempotent, acks=all, chunks of 1,000), records/s. */
  readonly produceRecordsPerSec: number | null;
  /** worker (a): the library's bare consume loop, records/s and its CPU per record (µs). */
  readonly consumeRecordsPerSec: number | null;
  readonly consumeCpuUsPerRecord: number | null;
  /** worker (a): the Switchyard worker on the library's adapter, tasks/s and CPU per task (µs). */
  readonly workerTasksPerSec: number | null;
  readonly workerCpuUsPerTask: number | null;
  /** events (a): Switchyard subscription, `eventLog: true` (the default), events/s. */
  readonly subscriptionEventsPerSec: number | null;
  /** replay: the CLI on the library's adapter, records/s (wall), its ratio to the kcat pipe, and CPU per record (µs) vs kcat's. */
  readonly replayRecordsPerSec: number | null;
  readonly replayOverKcat: number | null;
  readonly replayCpuUsPerRecord: number | null;
  readonly kcatCpuUsPerRecord: number | null;
  /** The result files the row was read from, and what failed. */
  readonly files: Partial<Record<'worker' | 'events' | 'replay', string>>;
  readonly errors: Record<string, string>;
}

export interface ClientReports {
  readonly worker?: WorkerBenchReport;
  readonly events?: EventsBenchReport;
  readonly replay?: ReplayBenchReport;
}

/** The row of one client from its reports (any may be missing). */
export function clientRow(client: BenchClient, library: string, reports: ClientReports, files: ClientRow['files'], errors: Record<string, string>): ClientRow {
  const tp = reports.worker?.results.throughput;
  const ev = reports.events?.results.throughput;
  const rp = reports.replay?.results;
  return {
    client,
    library,
    produceRecordsPerSec: ev?.publish.bare.eventsPerSec ?? null,
    consumeRecordsPerSec: tp?.contenders.bare.tasksPerSec ?? null,
    consumeCpuUsPerRecord: tp?.contenders.bare.cpuUsPerRecord ?? null,
    workerTasksPerSec: tp?.contenders.switchyard.tasksPerSec ?? null,
    workerCpuUsPerTask: tp?.contenders.switchyard.cpuUsPerRecord ?? null,
    subscriptionEventsPerSec: ev?.consume.switchyardEventLog.eventsPerSec ?? null,
    replayRecordsPerSec: rp?.switchyard?.recordsPerSec ?? null,
    replayOverKcat: rp?.ratio ?? null,
    replayCpuUsPerRecord: rp?.switchyard?.cpuUsPerRecord ?? null,
    kcatCpuUsPerRecord: rp?.kcat?.cpuUsPerRecord ?? null,
    files,
    errors,
  };
}

type Numeric = { [K in keyof ClientRow]: ClientRow[K] extends number | null ? K : never }[keyof ClientRow];

const COLUMNS: readonly { readonly head: string; readonly key: Numeric; readonly unit: string }[] = [
  { head: 'produce/s (bare)', key: 'produceRecordsPerSec', unit: '' },
  { head: 'consume/s (bare)', key: 'consumeRecordsPerSec', unit: '' },
  { head: 'CPU/record, bare consume', key: 'consumeCpuUsPerRecord', unit: ' µs' },
  { head: 'worker tasks/s', key: 'workerTasksPerSec', unit: '' },
  { head: 'CPU/task, worker', key: 'workerCpuUsPerTask', unit: ' µs' },
  { head: 'subscription events/s', key: 'subscriptionEventsPerSec', unit: '' },
  { head: 'replay records/s', key: 'replayRecordsPerSec', unit: '' },
  { head: 'replay / kcat', key: 'replayOverKcat', unit: 'x' },
  { head: 'CPU/record, replay (kcat)', key: 'replayCpuUsPerRecord', unit: ' µs' },
];

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 3 });

/**
 * The markdown table: one row per client; each cell `value (ratio to the baseline)`, the
 * baseline being kafkajs' row (or the first row). For CPU columns lower is better.
 */
export function clientsTable(rows: readonly ClientRow[]): string {
  const base = rows.find((r) => r.client === 'kafkajs') ?? rows[0];
  const cell = (r: ClientRow, key: Numeric, unit: string) => {
    const v = r[key];
    if (v === null) return 'n/a';
    const b = base?.[key];
    const extra = key === 'replayCpuUsPerRecord' && r.kcatCpuUsPerRecord !== null ? ` (kcat ${num(r.kcatCpuUsPerRecord)})` : '';
    const ratio = r !== base && typeof b === 'number' && b > 0 ? ` (${num(Math.round((v / b) * 100) / 100)}x)` : '';
    return `${num(v)}${unit}${extra}${ratio}`;
  };
  const head = ['client', ...COLUMNS.map((c) => c.head)];
  const body = rows.map((r) => [`${r.client} (${r.library})`, ...COLUMNS.map((c) => cell(r, c.key, c.unit))]);
  return [head, head.map(() => '---'), ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
