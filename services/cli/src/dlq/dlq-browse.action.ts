/** `dlq list` and `dlq show`, for a queue or a subscription. */
import { CliError, type CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { byDeathTime, coordinates, entryJson, findDlqEntries, loadDlq, resolveDlqSource, type DlqSource } from '@switchyard/ops';
import { filterOf, sourceSpecOf, type FilterFlags, type SourceFlags } from './dlq-flags.js';
import { entriesTable, entryDetail, entryDetailText } from './dlq-output.js';

export interface ListFlags extends FilterFlags {
  /** Also list entries already redriven or purged. */
  readonly all?: boolean;
}

export async function listAction(ctx: CliContext, flags: ListFlags): Promise<void> {
  const spec = sourceSpecOf(flags);
  const source = await resolveDlqSource(await ctx.admin(), ctx.client(), spec);
  const loaded = await loadDlq(ctx.client(), await ctx.admin(), source, filterOf(flags));
  const shown = flags.all ? [...loaded.pending, ...loaded.handled].sort(byDeathTime) : [...loaded.pending];
  const page = shown.slice(0, flags.limit);
  if (page.length === 0) {
    const hidden = flags.all || loaded.handled.length === 0 ? '' : ` (${loaded.handled.length} already redriven or purged: add --all to see them)`;
    ctx.print([], `No entry of ${source.label} matches${hidden}.`);
    process.exitCode = EXIT.nothingMatched;
    return;
  }
  const more = shown.length > page.length ? ` (first ${page.length} of ${shown.length}: raise --limit or narrow with --since/--type)` : '';
  ctx.print(page.map(entryJson), `${entriesTable(page, source.kind)}\n\n${shown.length} matching entr${shown.length === 1 ? 'y' : 'ies'}${more}.`);
}

export interface ShowFlags extends SourceFlags {
  readonly partition?: number;
  readonly offset?: string;
  /** A task id (with --queue). */
  readonly task?: string;
  /** An event id, ce_id (with --subscription). */
  readonly event?: string;
}

/** Checks the entry flags against the source; resolves the id asked for, if any. */
function checkShowFlags(flags: ShowFlags, kind: DlqSource['kind']): string | undefined {
  const [idFlag, wrongFlag] = kind === 'queue' ? (['--task', '--event'] as const) : (['--event', '--task'] as const);
  const id = kind === 'queue' ? flags.task : flags.event;
  if ((kind === 'queue' ? flags.event : flags.task) !== undefined) {
    throw new CliError(EXIT.badInput, `${wrongFlag} does not apply with --${kind}: use ${idFlag} <id>.`);
  }
  const byCoordinates = flags.partition !== undefined || flags.offset !== undefined;
  if (byCoordinates && id !== undefined) throw new CliError(EXIT.badInput, `Pass either --partition with --offset, or ${idFlag}, not both.`);
  if (byCoordinates && (flags.partition === undefined || flags.offset === undefined)) {
    throw new CliError(EXIT.badInput, '--partition and --offset go together.', 'Copy them from the P/OFFSET column of `switchyard dlq list`, e.g. --partition 0 --offset 42.');
  }
  if (!byCoordinates && id === undefined) throw new CliError(EXIT.badInput, `Say which entry: --partition <p> --offset <o>, or ${idFlag} <${kind === 'queue' ? 'task' : 'event'} id>.`);
  return id;
}

export async function showAction(ctx: CliContext, flags: ShowFlags): Promise<void> {
  const spec = sourceSpecOf(flags);
  const id = checkShowFlags(flags, spec.kind);
  const source = await resolveDlqSource(await ctx.admin(), ctx.client(), spec);
  const { all } = await loadDlq(ctx.client(), await ctx.admin(), source, {});
  const found = findDlqEntries(all, id !== undefined ? { id } : { partition: flags.partition!, offset: flags.offset! });
  const entry = found.at(-1);
  if (!entry) {
    const what = id !== undefined ? `${spec.kind === 'queue' ? 'task' : 'event'} ${id}` : `partition ${flags.partition} offset ${flags.offset}`;
    throw new CliError(EXIT.nothingMatched, `No entry of ${source.label} at ${what}.`, `List the entries with \`switchyard dlq list --${spec.kind} ${source.name}\`.`);
  }
  const others = found.slice(0, -1).map((e) => (source.topics.length > 1 ? `${e.record.topic} ` : '') + coordinates(e));
  const more = spec.kind === 'queue' ? `The task died ${others.length} more time(s)` : `The event has ${others.length} more dead letter(s) (other handlers or deliveries)`;
  const note = others.length > 0 ? `\n\n${more}, at ${others.join(', ')} (this is the latest).` : '';
  ctx.print(entryDetail(entry), `${entryDetailText(entry)}${note}`);
}
