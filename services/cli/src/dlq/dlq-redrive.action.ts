/** `dlq redrive` and `dlq purge`: write back to the lanes, or only mark, in transactions. */
import { taskDlqTopic } from '@switchyard/kafka';
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import type { DlqEntry } from './dlq-entry.js';
import { filterOf, type FilterFlags } from './dlq-flags.js';
import { loadDlq } from './dlq-loader.js';
import { entriesTable } from './dlq-output.js';
import { DlqWriter } from './dlq-writer.js';
import { progressBar } from './progress-bar.js';
import { requireQueue } from './queue-lookup.js';
import { ensureMarkerTopic, markerRecord, markerTopic } from './redrive-markers.js';
import { redriveLane, redriveWrites } from './redrive-plan.js';

export interface RedriveFlags extends FilterFlags {
  readonly rate?: number;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

const PREVIEW_ROWS = 20;

/** Entries per target lane. */
function lanesOf(entries: readonly DlqEntry[], queue: string): Record<string, number> {
  const lanes: Record<string, number> = {};
  for (const entry of entries) {
    const lane = redriveLane(entry, queue);
    lanes[lane] = (lanes[lane] ?? 0) + 1;
  }
  return lanes;
}

function planText(entries: readonly DlqEntry[], lanes: Record<string, number>, verb: string): string {
  const targets = Object.entries(lanes).map(([lane, n]) => `${n} -> ${lane}`).join(', ');
  const preview = entriesTable(entries.slice(0, PREVIEW_ROWS));
  const more = entries.length > PREVIEW_ROWS ? `\n... and ${entries.length - PREVIEW_ROWS} more` : '';
  return `${preview}${more}\n\n${verb} ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${targets}.`;
}

/** Opens the writer before reading, so the markers read are final (see DlqWriter). */
async function openWriter(ctx: CliContext, queue: string): Promise<DlqWriter> {
  const admin = await ctx.admin();
  await requireQueue(admin, queue);
  await ensureMarkerTopic(admin, queue);
  return DlqWriter.open(ctx.client(), queue);
}

export async function redriveAction(ctx: CliContext, flags: RedriveFlags): Promise<void> {
  const queue = flags.queue;
  const writer = flags.yes && !flags.dryRun ? await openWriter(ctx, queue) : undefined;
  try {
    const { pending, handled } = await loadDlq(ctx, queue, filterOf(flags));
    const selected = pending.slice(0, flags.limit);
    const redrivable = selected.filter((e) => e.info !== undefined);
    const skippedReasons = { alreadyRedrivenOrPurged: handled.length, notADeadLetter: selected.length - redrivable.length, overLimit: pending.length - selected.length };
    const summary = (redriven: number) => ({ queue, matched: pending.length + handled.length, redriven, skipped: pending.length + handled.length - redriven, skippedReasons });
    const lanes = lanesOf(redrivable, queue);
    if (redrivable.length === 0) {
      ctx.print({ ...summary(0), lanes }, `Nothing to redrive from ${taskDlqTopic(queue)}: ${describe(summary(0))}.`);
      process.exitCode = EXIT.nothingMatched;
      return;
    }
    if (!writer) {
      ctx.print({ ...summary(0), dryRun: true, wouldRedrive: redrivable.length, lanes }, planText(redrivable, lanes, 'Would redrive'));
      if (!flags.dryRun) throw new CliError(EXIT.refused, `Refused: redrive would write ${redrivable.length} entries back to their lanes.`, 'Add --yes to redrive them (or --dry-run to only print the plan).');
      return;
    }
    const progress = progressBar(redrivable.length, 'redrive', ctx.json);
    const redriven = await writer.write(redrivable, {
      ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
      progress,
      writesOf: (entry, nowIso) => [...redriveWrites(entry, queue, nowIso), { topic: markerTopic(queue), records: [markerRecord(entry.record, 'redriven', nowIso, redriveLane(entry, queue))] }],
    });
    ctx.print({ ...summary(redriven), lanes }, `Redrove ${redriven} entr${redriven === 1 ? 'y' : 'ies'} of ${taskDlqTopic(queue)}: ${describe(summary(redriven))}.`);
  } finally {
    await writer?.close();
  }
}

function describe(s: { matched: number; redriven: number; skipped: number; skippedReasons: Record<string, number> }): string {
  const reasons = Object.entries(s.skippedReasons)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`);
  return `matched ${s.matched}, redriven ${s.redriven}, skipped ${s.skipped}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
}

export async function purgeAction(ctx: CliContext, flags: { queue: string; yes?: boolean }): Promise<void> {
  const queue = flags.queue;
  if (!flags.yes) {
    await requireQueue(await ctx.admin(), queue);
    throw new CliError(EXIT.refused, `Refused: purge would hide every entry of ${taskDlqTopic(queue)} from list and redrive for good.`, 'Add --yes to purge.');
  }
  const admin = await ctx.admin();
  // The end of the DLQ now: everything below it is deleted once it is marked.
  const ends = (await admin.topicOffsets(taskDlqTopic(queue))).map((o) => ({ partition: o.partition, offset: o.high }));
  const writer = await openWriter(ctx, queue);
  try {
    const { pending } = await loadDlq(ctx, queue, {});
    if (pending.length === 0) {
      ctx.print({ queue, purged: 0 }, `Nothing to purge: ${taskDlqTopic(queue)} has no entry left.`);
      process.exitCode = EXIT.nothingMatched;
      return;
    }
    const purged = await writer.write(pending, {
      progress: progressBar(pending.length, 'purge', ctx.json),
      writesOf: (entry, nowIso) => [{ topic: markerTopic(queue), records: [markerRecord(entry.record, 'purged', nowIso)] }],
    });
    await admin.deleteRecords(taskDlqTopic(queue), ends);
    ctx.print({ queue, purged }, `Purged ${purged} entr${purged === 1 ? 'y' : 'ies'} of ${taskDlqTopic(queue)}: deleted from the topic (and marked in ${markerTopic(queue)}).`);
  } finally {
    await writer.close();
  }
}
