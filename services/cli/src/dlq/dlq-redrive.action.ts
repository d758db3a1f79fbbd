/** `dlq redrive` and `dlq purge`: flags, confirmation and output; the work is redriveDlq / purgeDlq of libs/ops. */
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { purgeDlq, redriveDlq, resolveDlqSource, type DlqEntry, type DlqSource } from '@switchyard/ops';
import { filterOf, sourceSpecOf, type FilterFlags, type SourceFlags } from './dlq-flags.js';
import { entriesTable } from './dlq-output.js';
import { progressBar } from './progress-bar.js';
import { withInterrupt } from '../interrupt-signals.js';

export interface RedriveFlags extends FilterFlags {
  readonly rate?: number;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

const PREVIEW_ROWS = 20;

/** The targets under the name the JSON output has always used: `lanes` for a queue, `targets` for a subscription. */
function targetsJson(source: DlqSource, targets: Readonly<Record<string, number>>) {
  return source.kind === 'queue' ? { lanes: targets } : { targets };
}

function planText(entries: readonly DlqEntry[], source: DlqSource, targets: Readonly<Record<string, number>>, verb: string): string {
  const where = Object.entries(targets).map(([topic, n]) => `${n} -> ${topic}`).join(', ');
  const preview = entriesTable(entries.slice(0, PREVIEW_ROWS), source.kind);
  const more = entries.length > PREVIEW_ROWS ? `\n... and ${entries.length - PREVIEW_ROWS} more` : '';
  return `${preview}${more}\n\n${verb} ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${where}.`;
}

export async function redriveAction(ctx: CliContext, flags: RedriveFlags): Promise<void> {
  const admin = await ctx.admin();
  const source = await resolveDlqSource(admin, ctx.client(), sourceSpecOf(flags));
  // SIGINT/SIGTERM stop the write after the chunk in flight: SY_OPERATION_INTERRUPTED, exit 130.
  const outcome = await withInterrupt((signal) =>
    redriveDlq(ctx.client(), admin, {
      source,
      filter: filterOf(flags),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(flags.rate !== undefined ? { rate: flags.rate } : {}),
      execute: Boolean(flags.yes && !flags.dryRun),
      progress: (total) => progressBar(total, 'redrive', ctx.json),
      signal,
    }),
  );
  const { redrivable, matched, skippedReasons } = outcome;
  const summary = (redriven: number) => ({ ...source.identity, matched, redriven, skipped: matched - redriven, skippedReasons });
  const targets = targetsJson(source, outcome.targets);
  if (redrivable.length === 0) {
    ctx.print({ ...summary(0), ...targets }, `Nothing to redrive from ${source.label}: ${describe(summary(0))}.`);
    process.exitCode = EXIT.nothingMatched;
    return;
  }
  if (!outcome.executed) {
    ctx.print({ ...summary(0), dryRun: true, wouldRedrive: redrivable.length, ...targets }, planText(redrivable, source, outcome.targets, 'Would redrive'));
    const where = source.kind === 'queue' ? 'back to their lanes' : `to the replay topic of subscription ${source.name}`;
    if (!flags.dryRun) throw new CliError(EXIT.refused, `Refused: redrive would write ${redrivable.length} entries ${where}.`, 'Add --yes to redrive them (or --dry-run to only print the plan).');
    return;
  }
  const { redriven } = outcome;
  ctx.print({ ...summary(redriven), ...targets }, `Redrove ${redriven} entr${redriven === 1 ? 'y' : 'ies'} of ${source.label}: ${describe(summary(redriven))}.`);
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
  const admin = await ctx.admin();
  const source = await resolveDlqSource(admin, ctx.client(), sourceSpecOf(flags));
  if (!flags.yes) throw new CliError(EXIT.refused, `Refused: purge would delete every entry of ${source.label}.`, 'Add --yes to purge.');
  const purged = await withInterrupt((signal) => purgeDlq(ctx.client(), admin, source, { progress: (total) => progressBar(total, 'purge', ctx.json), signal }));
  if (purged === 0) {
    ctx.print({ ...source.identity, purged: 0 }, `Nothing to purge: ${source.label} ${source.topics.length === 1 ? 'has' : 'have'} no entry left.`);
    process.exitCode = EXIT.nothingMatched;
    return;
  }
  ctx.print({ ...source.identity, purged }, `Purged ${purged} entr${purged === 1 ? 'y' : 'ies'} of ${source.label}: deleted from the topic${source.topics.length === 1 ? '' : 's'} (and marked in ${source.markerTopic}).`);
}
