import { Option, type Command } from 'commander';
import { CliError, type CliContext, type ContextFactory } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { readGroupOffsets, resetGroupOffsets, type GroupPartitionOffsets, type TopicResetPlan, resetStrategyOf, type ResetFlags } from '@switchyard/ops';
import { textTable } from '../format/text-table.js';
import { withContext } from '../format/with-context.js';

interface OffsetsFlags extends ResetFlags {
  readonly group: string;
  readonly topic: string[];
  readonly reset?: boolean;
  readonly execute?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function showOffsets(ctx: CliContext, group: string, rows: readonly GroupPartitionOffsets[]): void {
  const human =
    rows.length === 0
      ? `group ${group} has no committed offsets`
      : textTable(
          ['TOPIC', 'PARTITION', 'COMMITTED', 'LOW', 'HIGH', 'LAG'],
          rows.map((r) => [r.topic, r.partition, r.committed ?? '-', r.low, r.high, r.lag]),
        );
  ctx.print({ group, partitions: rows }, human);
}

function showPlan(ctx: CliContext, group: string, plans: readonly TopicResetPlan[], executed: boolean): void {
  const rows = plans.flatMap((plan) => plan.partitions.map((p) => ({ topic: plan.topic, partition: p.partition, current: p.current?.toString() ?? null, new: p.next.toString() })));
  const table = textTable(['TOPIC', 'PARTITION', 'CURRENT', 'NEW'], rows.map((r) => [r.topic, r.partition, r.current ?? '-', r.new]));
  const footer = executed ? `offsets of group ${group} reset` : 'dry run: nothing changed; add --execute to apply';
  ctx.print({ group, executed, partitions: rows }, `${table}\n${footer}`);
}

async function runOffsets(ctx: CliContext, flags: OffsetsFlags): Promise<void> {
  const admin = await ctx.admin();
  if (!flags.reset) {
    if (flags.execute) throw new CliError(EXIT.badInput, '--execute only applies to --reset');
    showOffsets(ctx, flags.group, await readGroupOffsets(admin, flags.group, flags.topic));
    return;
  }
  const strategy = resetStrategyOf(flags, Date.now());
  if (flags.topic.length === 0) throw new CliError(EXIT.badInput, '--reset needs --topic', 'Name each topic to reset with --topic <t> (repeatable).');
  // The engine refuses a live group for the dry run too (a plan made while consumers move the offsets is stale at once).
  const plans = await resetGroupOffsets(admin, { groupId: flags.group, topics: flags.topic, strategy, execute: Boolean(flags.execute) });
  showPlan(ctx, flags.group, plans, Boolean(flags.execute));
}

/** `switchyard offsets`: show a group's committed offsets and lag, or reset them like kafka-consumer-groups. */
export function registerOffsetsCommands(program: Command, context: ContextFactory): void {
  program
    .command('offsets')
    .description('Show committed offsets and lag of a consumer group, or reset them (dry run unless --execute).')
    .requiredOption('--group <group>', 'consumer group id')
    .option('--topic <topic>', 'topic (repeatable; required for --reset; default: every topic the group committed on)', collect, [])
    .option('--reset', 'reset offsets (prints the plan; add --execute to apply)')
    .addOption(new Option('--to-earliest', 'reset to the log start'))
    .addOption(new Option('--to-latest', 'reset to the log end'))
    .addOption(new Option('--to-datetime <iso>', 'reset to the first record at or after this ISO datetime'))
    .addOption(new Option('--by-duration <duration>', 'reset to the first record younger than this (2h, 30m, PT2H, P1DT6H)'))
    .addOption(new Option('--shift-by <n>', 'move the committed offset by n (negative goes back)'))
    .addOption(new Option('--to-offset <n>', 'reset to offset n'))
    .option('--execute', 'apply the reset (refused while the group has live members)')
    .addHelpText('after', '\nOffsets are clamped to what the log holds. Exit 4 when the group has live members.')
    .action(async (_options: unknown, command: Command) => withContext(context(command), (ctx) => runOffsets(ctx, command.opts<OffsetsFlags>())));
}
