/** `dlq list` and `dlq show`. */
import { taskDlqTopic } from '@switchyard/kafka';
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { byDeathTime, coordinates, entryJson } from './dlq-entry.js';
import { filterOf, type FilterFlags } from './dlq-flags.js';
import { loadDlq } from './dlq-loader.js';
import { entriesTable, entryDetail, entryDetailText } from './dlq-output.js';

export interface ListFlags extends FilterFlags {
  /** Also list entries already redriven or purged. */
  readonly all?: boolean;
}

export async function listAction(ctx: CliContext, flags: ListFlags): Promise<void> {
  const loaded = await loadDlq(ctx, flags.queue, filterOf(flags));
  const shown = flags.all ? [...loaded.pending, ...loaded.handled].sort(byDeathTime) : [...loaded.pending];
  const page = shown.slice(0, flags.limit);
  if (page.length === 0) {
    const hidden = flags.all || loaded.handled.length === 0 ? '' : ` (${loaded.handled.length} already redriven or purged: add --all to see them)`;
    ctx.print([], `No entry of ${taskDlqTopic(flags.queue)} matches${hidden}.`);
    process.exitCode = EXIT.nothingMatched;
    return;
  }
  const more = shown.length > page.length ? ` (first ${page.length} of ${shown.length}: raise --limit or narrow with --since/--type)` : '';
  ctx.print(page.map(entryJson), `${entriesTable(page)}\n\n${shown.length} matching entr${shown.length === 1 ? 'y' : 'ies'}${more}.`);
}

export interface ShowFlags {
  readonly queue: string;
  readonly partition?: number;
  readonly offset?: string;
  readonly task?: string;
}

function checkShowFlags(flags: ShowFlags): void {
  const byCoordinates = flags.partition !== undefined || flags.offset !== undefined;
  if (byCoordinates && flags.task !== undefined) throw new CliError(EXIT.badInput, 'Pass either --partition with --offset, or --task, not both.');
  if (byCoordinates && (flags.partition === undefined || flags.offset === undefined)) {
    throw new CliError(EXIT.badInput, '--partition and --offset go together.', 'Copy them from the P/OFFSET column of `switchyard dlq list`, e.g. --partition 0 --offset 42.');
  }
  if (!byCoordinates && flags.task === undefined) throw new CliError(EXIT.badInput, 'Say which entry: --partition <p> --offset <o>, or --task <task id>.');
}

export async function showAction(ctx: CliContext, flags: ShowFlags): Promise<void> {
  checkShowFlags(flags);
  const { all } = await loadDlq(ctx, flags.queue, {});
  const found =
    flags.task !== undefined
      ? all.filter((e) => e.taskId === flags.task)
      : all.filter((e) => e.record.partition === flags.partition && e.record.offset === flags.offset);
  const entry = found.at(-1);
  if (!entry) {
    const what = flags.task !== undefined ? `task ${flags.task}` : `partition ${flags.partition} offset ${flags.offset}`;
    throw new CliError(EXIT.nothingMatched, `No entry of ${taskDlqTopic(flags.queue)} at ${what}.`, 'List the entries with `switchyard dlq list --queue ' + flags.queue + '`.');
  }
  const others = found.slice(0, -1).map(coordinates);
  const note = others.length > 0 ? `\n\nThe task died ${others.length} more time(s), at ${others.join(', ')} (this is the latest).` : '';
  ctx.print(entryDetail(entry), `${entryDetailText(entry)}${note}`);
}
