/** `dlq redrive` and `dlq purge`: write back (to the lanes, or a subscription's replay topic), or only mark, in transactions. */
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { type DlqEntry, loadDlq, resolveDlqSource, type DlqSource, DlqWriter, ensureMarkerTopic, markerRecord } from '@switchyard/ops';
import { filterOf, sourceSpecOf, type FilterFlags, type SourceFlags } from './dlq-flags.js';
import { entriesTable } from './dlq-output.js';
import { progressBar } from './progress-bar.js';

export interface RedriveFlags extends FilterFlags {
  readonly rate?: number;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

const PREVIEW_ROWS = 20;

/** Entries per target topic. */
function targetsOf(entries: readonly DlqEntry[], source: DlqSource): Record<string, number> {
  const targets: Record<string, number> = {};
  for (const entry of entries) {
    const target = source.targetOf(entry);
    targets[target] = (targets[target] ?? 0) + 1;
  }
  return targets;
}

/** The targets under the name the JSON output has always used: `lanes` for a queue, `targets` for a subscription. */
function targetsJson(source: DlqSource, targets: Record<string, number>) {
  return source.kind === 'queue' ? { lanes: targets } : { targets };
}

function planText(entries: readonly DlqEntry[], source: DlqSource, targets: Record<string, number>, verb: string): string {
  const where = Object.entries(targets).map(([topic, n]) => `${n} -> ${topic}`).join(', ');
  const preview = entriesTable(entries.slice(0, PREVIEW_ROWS), source.kind);
  const more = entries.length > PREVIEW_ROWS ? `\n... and ${entries.length - PREVIEW_ROWS} more` : '';
  return `${preview}${more}\n\n${verb} ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${where}.`;
}

/** Opens the writer before reading, so the markers read are final (see DlqWriter). */
async function openWriter(ctx: CliContext, source: DlqSource): Promise<DlqWriter> {
  const admin = await ctx.admin();
  await ensureMarkerTopic(admin, source.markerTopic, source.topics);
  return DlqWriter.open(ctx.client(), source.transactionalId);
}

export async function redriveAction(ctx: CliContext, flags: RedriveFlags): Promise<void> {
  const spec = sourceSpecOf(flags);
  const source = await resolveDlqSource(await ctx.admin(), ctx.client(), spec);
  await source.checkRedriveTarget(await ctx.admin());
  const writing = Boolean(flags.yes && !flags.dryRun);
  const writer = writing ? await openWriter(ctx, source) : undefined;
  try {
    const { pending, handled } = await loadDlq(ctx.client(), await ctx.admin(), source, filterOf(flags));
    const selected = pending.slice(0, flags.limit);
    const redrivable = selected.filter((e) => e.info !== undefined);
    const skippedReasons = { alreadyRedrivenOrPurged: handled.length, notADeadLetter: selected.length - redrivable.length, overLimit: pending.length - selected.length };
    const summary = (redriven: number) => ({ ...source.identity, matched: pending.length + handled.length, redriven, skipped: pending.length + handled.length - redriven, skippedReasons });
    const byTarget = targetsOf(redrivable, source);
    const targets = targetsJson(source, byTarget);
    if (redrivable.length === 0) {
      ctx.print({ ...summary(0), ...targets }, `Nothing to redrive from ${source.label}: ${describe(summary(0))}.`);
      process.exitCode = EXIT.nothingMatched;
      return;
    }
    if (!writer) {
      ctx.print({ ...summary(0), dryRun: true, wouldRedrive: redrivable.length, ...targets }, planText(redrivable, source, byTarget, 'Would redrive'));
      const where = source.kind === 'queue' ? 'back to their lanes' : `to the replay topic of subscription ${source.name}`;
      if (!flags.dryRun) throw new CliError(EXIT.refused, `Refused: redrive would write ${redrivable.length} entries ${where}.`, 'Add --yes to redrive them (or --dry-run to only print the plan).');
      return;
    }
    await source.prepareRedrive(await ctx.admin());
    const progress = progressBar(redrivable.length, 'redrive', ctx.json);
    const redriven = await writer.write(redrivable, {
      ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
      progress,
      writesOf: (entry, nowIso) => [...source.redriveWrites(entry, nowIso), { topic: source.markerTopic, records: [markerRecord(entry, source.markerKey, 'redriven', nowIso, source.targetOf(entry))] }],
    });
    ctx.print({ ...summary(redriven), ...targets }, `Redrove ${redriven} entr${redriven === 1 ? 'y' : 'ies'} of ${source.label}: ${describe(summary(redriven))}.`);
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

export interface PurgeFlags extends SourceFlags {
  readonly yes?: boolean;
}

export async function purgeAction(ctx: CliContext, flags: PurgeFlags): Promise<void> {
  const spec = sourceSpecOf(flags);
  const admin = await ctx.admin();
  const source = await resolveDlqSource(admin, ctx.client(), spec);
  if (!flags.yes) throw new CliError(EXIT.refused, `Refused: purge would delete every entry of ${source.label}.`, 'Add --yes to purge.');
  // The end of each DLQ now: everything below it is deleted once it is marked.
  const ends = await Promise.all(source.topics.map(async (topic) => ({ topic, offsets: (await admin.topicOffsets(topic)).map((o) => ({ partition: o.partition, offset: o.high })) })));
  const writer = await openWriter(ctx, source);
  try {
    const { pending, foreign } = await loadDlq(ctx.client(), await ctx.admin(), source, {});
    if (foreign > 0) {
      throw new CliError(
        EXIT.refused,
        `Refused: ${source.label} also holds ${foreign} dead letter(s) of other queues, and a purge deletes whole topic prefixes.`,
        `Purge it as each queue that shares it only after redriving the others, or purge the topic with kafka-delete-records.`,
      );
    }
    if (pending.length === 0) {
      ctx.print({ ...source.identity, purged: 0 }, `Nothing to purge: ${source.label} ${source.topics.length === 1 ? 'has' : 'have'} no entry left.`);
      process.exitCode = EXIT.nothingMatched;
      return;
    }
    const purged = await writer.write(pending, {
      progress: progressBar(pending.length, 'purge', ctx.json),
      writesOf: (entry, nowIso) => [{ topic: source.markerTopic, records: [markerRecord(entry, source.markerKey, 'purged', nowIso)] }],
    });
    for (const { topic, offsets } of ends) await admin.deleteRecords(topic, offsets);
    ctx.print({ ...source.identity, purged }, `Purged ${purged} entr${purged === 1 ? 'y' : 'ies'} of ${source.label}: deleted from the topic${source.topics.length === 1 ? '' : 's'} (and marked in ${source.markerTopic}).`);
  } finally {
    await writer.close();
  }
}
