/**
 * What a replay shows: a progress bar on stderr (only on a TTY and without --json) and the
 * summary at the end (read, matched, written, per partition; samples in a dry run).
 */
import cliProgress from 'cli-progress';
import type { IncomingRecord } from '@switchyard/kafka';
import { textTable } from '../format/text-table.js';
import type { ReplayPlan, ReplayResult, ReplayStats, ReplayOptions } from '@switchyard/ops';

/** A progress bar over the offsets to read, with read rate and ETA. */
export class ReplayProgress {
  readonly #bar: cliProgress.SingleBar | undefined;

  constructor(enabled: boolean, total: number) {
    if (!enabled) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'replay [{bar}] {percentage}% | {value}/{total} read | {matched} matched | {rate} rec/s | ETA {eta_formatted}',
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(total, 0, { matched: 0, rate: 0 });
  }

  update(stats: ReplayStats): void {
    this.#bar?.update(stats.read, { matched: stats.matched, rate: Math.round(stats.readRate()) });
  }

  stop(): void {
    this.#bar?.stop();
  }
}

function sampleView(record: IncomingRecord) {
  const value = record.value?.toString('utf8') ?? null;
  return {
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    key: record.key?.toString('utf8') ?? null,
    headers: Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString('utf8')])),
    value: value !== null && value.length > 200 ? `${value.slice(0, 200)}...` : value,
  };
}

/** The summary as data (printed as is with --json). */
export function replaySummary(options: ReplayOptions, plan: ReplayPlan, result: ReplayResult) {
  const { stats } = result;
  return {
    id: options.id,
    group: plan.group,
    topic: plan.topic,
    toTopic: options.toTopic,
    ...(options.subscription ? { subscription: options.subscription.name, targetHandlers: [...options.subscription.targetHandlers] } : {}),
    dryRun: options.dryRun,
    resumed: plan.resumed,
    complete: result.complete,
    read: stats.read,
    matched: stats.matched,
    written: stats.written,
    seconds: Math.round((Date.now() - stats.startedAtMs) / 100) / 10,
    partitions: plan.partitions.map((p) => ({ partition: p.partition, start: p.start.toString(), end: p.end.toString(), resumedAt: p.position.toString(), ...stats.partition(p.partition) })),
    ...(options.dryRun ? { samples: result.samples.map(sampleView) } : {}),
  };
}

export type ReplaySummary = ReturnType<typeof replaySummary>;

/** ` (subscription s, handlers a, b)` for a replay into a subscription, else nothing. */
function intoSubscription(summary: ReplaySummary): string {
  if (summary.subscription === undefined) return '';
  const handlers = summary.targetHandlers?.length ? `handlers ${summary.targetHandlers.join(', ')}` : 'every matching handler';
  return ` (subscription ${summary.subscription}, ${handlers})`;
}

/** The summary as text. */
export function formatReplaySummary(summary: ReplaySummary): string {
  const verb = summary.dryRun ? 'would write' : 'written';
  const state = summary.complete ? 'complete' : 'interrupted (run the same command again to resume)';
  const lines = [
    `replay ${summary.id} ${summary.topic} -> ${summary.toTopic}${intoSubscription(summary)}: ${state}${summary.resumed ? ', resumed' : ''}`,
    `read ${summary.read}, matched ${summary.matched}, ${verb} ${summary.dryRun ? summary.matched : summary.written} in ${summary.seconds}s`,
    textTable(
      ['PARTITION', 'START', 'END', 'FROM', 'READ', 'MATCHED', 'WRITTEN'],
      summary.partitions.map((p) => [p.partition, p.start, p.end, p.resumedAt, p.read, p.matched, p.written]),
    ),
  ];
  for (const sample of summary.samples ?? []) lines.push(`sample ${JSON.stringify(sample)}`);
  return lines.join('\n');
}
