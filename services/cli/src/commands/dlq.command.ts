import type { Command } from 'commander';
import type { ContextFactory } from '../cli-context.js';
import { listAction, showAction, type ListFlags, type ShowFlags } from '../dlq/dlq-browse.action.js';
import { addFilterFlags, parseOffset, parsePartition, parseQueue, parseRate } from '../dlq/dlq-flags.js';
import { withContext } from '../format/with-context.js';
import { purgeAction, redriveAction, type RedriveFlags } from '../dlq/dlq-redrive.action.js';

const MARKER_NOTE = `
Kafka cannot delete single records: redrive and purge leave the dead letters in tasks.<queue>.dlq
and record what they did in tasks.<queue>.dlq-redriven (compacted, keyed by partition/offset,
written in the same transaction). list, redrive and purge skip entries recorded there
(dlq list --all shows them). The records themselves age out with the DLQ's retention.ms.`;

/** `switchyard dlq list|show|redrive|purge`. */
export function registerDlqCommands(program: Command, context: ContextFactory): void {
  const dlq = program.command('dlq').description('Browse, redrive and purge the dead letters of a queue (tasks.<queue>.dlq)').addHelpText('after', MARKER_NOTE);

  addFilterFlags(dlq.command('list').description('List dead letters (oldest first); exit 3 when none matches'), 50)
    .option('--all', 'also list entries already redriven or purged')
    .action(async (flags: ListFlags, command: Command) => withContext(context(command), (ctx) => listAction(ctx, flags)));

  dlq
    .command('show')
    .description('Show one dead letter in full: headers, payload, error stack')
    .requiredOption('--queue <name>', 'queue of the dead letter', parseQueue)
    .option('--partition <p>', 'partition of the entry (with --offset)', parsePartition)
    .option('--offset <o>', 'offset of the entry (with --partition)', parseOffset)
    .option('--task <id>', 'task id instead of partition/offset (the latest entry of the task)')
    .action(async (flags: ShowFlags, command: Command) => withContext(context(command), (ctx) => showAction(ctx, flags)));

  addFilterFlags(dlq.command('redrive').description('Send matching dead letters back to their lane (attempts reset to 0), in transactions'))
    .option('--rate <per_second>', 'at most this many records per second', parseRate)
    .option('--dry-run', 'print what would be redriven and write nothing')
    .option('--yes', 'really redrive (without it, or with --dry-run, nothing is written; exit 4 without either)')
    .addHelpText('after', MARKER_NOTE)
    .action(async (flags: RedriveFlags, command: Command) => withContext(context(command), (ctx) => redriveAction(ctx, flags)));

  dlq
    .command('purge')
    .description('Delete every dead letter of the queue up to now (Kafka DeleteRecords), after marking each purged')
    .requiredOption('--queue <name>', 'queue whose dead letters to purge', parseQueue)
    .option('--yes', 'really purge (exit 4 without it)')
    .addHelpText(
      'after',
      `${MARKER_NOTE}
purge deletes the records below the DLQ's end offsets at the time it starts (Kafka DeleteRecords).`,
    )
    .action(async (flags: { queue: string; yes?: boolean }, command: Command) => withContext(context(command), (ctx) => purgeAction(ctx, flags)));
}
