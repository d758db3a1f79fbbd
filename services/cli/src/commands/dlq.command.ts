import type { Command } from 'commander';
import type { ContextFactory } from '../cli-context.js';
import { listAction, showAction, type ListFlags, type ShowFlags } from '../dlq/dlq-browse.action.js';
import { addFilterFlags, addSourceFlags, parseOffset, parsePartition, parseRate } from '../dlq/dlq-flags.js';
import { withContext } from '../format/with-context.js';
import { purgeAction, redriveAction, type PurgeFlags, type RedriveFlags } from '../dlq/dlq-redrive.action.js';

const SOURCE_NOTE = `
Whose dead letters: --queue <name> (tasks.<queue>.dlq) or --subscription <name> (every
events.<domain>.dlq.<subscription>; --domain <d> keeps one). Exactly one of them.`;

const MARKER_NOTE = `
Kafka cannot delete single records: redrive and purge leave the dead letters in the DLQ and
record what they did in tasks.<queue>.dlq-redriven, or switchyard.subscription.<sub>.dlq-redriven
(compacted, keyed by the entry's coordinates, written in the same transaction). list, redrive
and purge skip entries recorded there (dlq list --all shows them). The records themselves age
out with the DLQ's retention.ms.`;

const LIST_EXAMPLES = `
Examples:
  switchyard dlq list --queue emails --type send_email --since 2h
  switchyard dlq list --subscription mailer --type 'user.*' --tenant acme
  switchyard dlq list --subscription mailer --domain user --code SY_EVENT_HANDLER_TIMEOUT --json`;

const SHOW_EXAMPLES = `
Examples:
  switchyard dlq show --queue emails --task 5b0c...
  switchyard dlq show --subscription mailer --event 0f3a...
  switchyard dlq show --subscription mailer --domain user --partition 0 --offset 42`;

const REDRIVE_NOTE = `
A queue's entries go back to their lane (tasks.<queue>.<sy-priority>) with sy-attempt 0. A
subscription's entries go to switchyard.subscription.<sub>.replay (created if missing), which only
that subscription reads: the original key, value and CloudEvents headers, without sy-dlq-* and the
retry state, with sy-event-target-handlers = the handler that failed, so only it runs again.

Examples:
  switchyard dlq redrive --queue emails --code SY_TASK_FAILED --rate 50 --yes
  switchyard dlq redrive --subscription mailer --handler send_welcome --since 1h --dry-run
  switchyard dlq redrive --subscription mailer --type 'user.*' --tenant acme --yes`;

/** `switchyard dlq list|show|redrive|purge`. */
export function registerDlqCommands(program: Command, context: ContextFactory): void {
  const dlq = program
    .command('dlq')
    .description('Browse, redrive and purge the dead letters of a queue (tasks.<queue>.dlq) or of an event-bus subscription (events.<domain>.dlq.<subscription>)')
    .addHelpText('after', `${SOURCE_NOTE}\n${MARKER_NOTE}`);

  addFilterFlags(dlq.command('list').description('List dead letters (oldest first); exit 3 when none matches'), 50)
    .option('--all', 'also list entries already redriven or purged')
    .addHelpText('after', `${SOURCE_NOTE}\n${LIST_EXAMPLES}`)
    .action(async (flags: ListFlags, command: Command) => withContext(context(command), (ctx) => listAction(ctx, flags)));

  addSourceFlags(dlq.command('show').description('Show one dead letter in full: headers, payload, error stack'))
    .option('--partition <p>', 'partition of the entry (with --offset)', parsePartition)
    .option('--offset <o>', 'offset of the entry (with --partition)', parseOffset)
    .option('--task <id>', 'with --queue: task id instead of partition/offset (the latest entry of the task)')
    .option('--event <id>', 'with --subscription: event id (ce_id) instead of partition/offset (the latest entry of the event)')
    .addHelpText('after', `${SOURCE_NOTE}\n${SHOW_EXAMPLES}`)
    .action(async (flags: ShowFlags, command: Command) => withContext(context(command), (ctx) => showAction(ctx, flags)));

  addFilterFlags(dlq.command('redrive').description('Send matching dead letters back (a queue: to their lane, attempts reset; a subscription: to its replay topic, for the failed handler), in transactions'))
    .option('--rate <per_second>', 'at most this many records per second', parseRate)
    .option('--dry-run', 'print what would be redriven and write nothing')
    .option('--yes', 'really redrive (without it, or with --dry-run, nothing is written; exit 4 without either)')
    .addHelpText('after', `${SOURCE_NOTE}\n${REDRIVE_NOTE}\n${MARKER_NOTE}`)
    .action(async (flags: RedriveFlags, command: Command) => withContext(context(command), (ctx) => redriveAction(ctx, flags)));

  addSourceFlags(dlq.command('purge').description('Delete every dead letter of the queue or subscription up to now (Kafka DeleteRecords), after marking each purged'))
    .option('--yes', 'really purge (exit 4 without it)')
    .addHelpText(
      'after',
      `${SOURCE_NOTE}
${MARKER_NOTE}
purge deletes the records below the DLQs' end offsets at the time it starts (Kafka DeleteRecords).

Examples:
  switchyard dlq purge --queue emails --yes
  switchyard dlq purge --subscription mailer --domain user --yes`,
    )
    .action(async (flags: PurgeFlags, command: Command) => withContext(context(command), (ctx) => purgeAction(ctx, flags)));
}
