import type { Command } from 'commander';
import { CliError, type CliContext, type ContextFactory } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { remainingOffsets, resolveReplayPlan, runReplay, parseReplayOptions, type ReplayFlags, ensureSubscriptionReplayTopic } from '@switchyard/ops';
import { formatReplaySummary, ReplayProgress, replaySummary } from '../replay/replay-report.js';
import { withContext } from '../format/with-context.js';
import { interruptOnSignals } from '../interrupt-signals.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const REPLAY_HELP = `
Into an event-bus subscription (the protocol's EventReplayConfig: fromTimestamp/toTimestamp =
--from/--to, eventTypes = --type, targetHandlers = --handlers, speed = --speed): copies go to
switchyard.subscription.<name>.replay, which only that subscription reads, as fresh events
(no sy-event-attempt/handler/not-before/first-failure-at, no sy-dlq-*), with
sy-event-target-handlers when --handlers is given. Not with --to-topic.

Examples:
  switchyard replay --topic orders --from 2h --to 30m --type 'order.*' --to-topic scratch
  switchyard replay --topic events.user.normal --from 2024-05-01T10:00:00Z --subscription mailer --handlers send_welcome
  switchyard replay --topic events.user --from 1d --type 'user.created' --tenant acme --subscription crm --speed 10 --dry-run

Interrupted (exit 130)? Run the same command again: it resumes where the last transaction committed.`;

async function runReplayCommand(ctx: CliContext, flags: ReplayFlags): Promise<void> {
  const options = parseReplayOptions(flags, Date.now());
  const admin = await ctx.admin();
  const plan = await resolveReplayPlan(admin, options);
  // The subscription runtime creates its replay topic at start; a replay must not wait for that.
  if (options.subscription && !options.dryRun) await ensureSubscriptionReplayTopic(admin, options.subscription.name, [options.topic]);
  const interrupt = interruptOnSignals();
  const progress = new ReplayProgress(Boolean(process.stderr.isTTY) && !ctx.json, remainingOffsets(plan));
  let result;
  try {
    result = await runReplay(ctx.client(), plan, options, { signal: interrupt.signal, onProgress: (stats) => progress.update(stats) });
  } finally {
    progress.stop();
    interrupt.dispose();
  }
  const summary = replaySummary(options, plan, result);
  ctx.print(summary, formatReplaySummary(summary));
  if (!result.complete) throw new CliError(EXIT.interrupted, `replay ${options.id} interrupted`, 'Run the same command again to resume from the committed position.');
  if (!plan.resumed && result.stats.read > 0 && result.stats.matched === 0) throw new CliError(EXIT.nothingMatched, 'no record of the range matched the filters');
}

/** `switchyard replay`: copy a topic's offset or time range (filtered, paced) exactly once, resumably. */
export function registerReplayCommand(program: Command, context: ContextFactory): void {
  program
    .command('replay')
    .description('Copy records of an offset or time range back to their topic or to another one, exactly once and resumable.')
    .requiredOption('--topic <topic>', 'topic to read')
    .option('--partition <p>', 'partition of an offset range (repeatable, with --from-offset/--to-offset)', collect, [])
    .option('--from-offset <n>', 'first offset of the range (inclusive)', collect, [])
    .option('--to-offset <n>', 'last offset of the range (inclusive; default: the log end)', collect, [])
    .option('--from <time>', 'start of a time range: ISO datetime or duration ago (2h, 30m, P1D)')
    .option('--to <time>', 'end of the time range (exclusive; default: now)')
    .option('--type <pattern>', 'task type (sy-task-type) or CloudEvents type (ce_type), * globs (repeatable)', collect, [])
    .option('--tenant <tenant>', 'tenant (sy-tenant or ce_tenantid) (repeatable)', collect, [])
    .option('--header <name=value>', 'header equals value (repeatable)', collect, [])
    .option('--where <path=value>', 'JSON value field equals value, e.g. order.status=paid (repeatable)', collect, [])
    .option('--to-topic <topic>', 'where copies go (default: the origin topic)')
    .option('--subscription <name>', 'instead of --to-topic: replay into this event-bus subscription only (switchyard.subscription.<name>.replay, created if missing)')
    .option('--handlers <ids>', 'with --subscription: only these handlers run the events (comma-separated ids; default: every matching handler)')
    .option('--rate <n>', 'at most n records written per second')
    .option('--speed <x>', 'pace by record timestamps (1 = original pace, 10 = ten times faster)')
    .option('--dry-run', 'count per partition and show up to 5 samples; write nothing')
    .option('--id <id>', 'replay id naming the progress group switchyard.replay.<id> (default: hash of the arguments)')
    .addHelpText('after', REPLAY_HELP)
    .action(async (_options: unknown, command: Command) => withContext(context(command), (ctx) => runReplayCommand(ctx, command.opts<ReplayFlags>())));
}
