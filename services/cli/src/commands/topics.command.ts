import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CliError, type ContextFactory } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { parseQueue } from '../dlq/dlq-flags.js';
import { registeredDlqs, requireQueue, buildReport, formatRetention, groupByQueue, type QueueReport } from '@switchyard/ops';
import { textTable } from '../format/text-table.js';
import { withContext } from '../format/with-context.js';

const parseGroup = (value: string): string => {
  if (value.length === 0) throw new InvalidArgumentError('--group expects a consumer group id, e.g. switchyard.worker.<name>.');
  return value;
};

function reportTable(reports: readonly QueueReport[], withLag: boolean): string {
  const rows = reports.flatMap((r) =>
    r.topics.map((t) => [
      r.queue,
      t.topic,
      String(t.partitions),
      String(t.replicationFactor),
      formatRetention(t.retentionMs),
      t.cleanupPolicy ?? '-',
      String(t.records),
      ...(withLag ? [t.lag === null || t.lag === undefined ? '-' : String(t.lag)] : []),
    ]),
  );
  return textTable(['QUEUE', 'TOPIC', 'PARTITIONS', 'RF', 'RETENTION', 'CLEANUP', 'RECORDS', ...(withLag ? ['LAG'] : [])], rows);
}

/** `switchyard topics [--queue q] [--group g]`. */
export function registerTopicsCommand(program: Command, context: ContextFactory): void {
  program
    .command('topics')
    .description('Show the task topics of each queue: partitions, replication, retention, cleanup policy, record count (and lag with --group)')
    .option('--queue <name>', 'only this queue', parseQueue)
    .option('--group <group_id>', 'also show the lag of this consumer group on each topic', parseGroup)
    .action(async (flags: { queue?: string; group?: string }, command: Command) =>
      withContext(context(command), async (ctx) => {
        const admin = await ctx.admin();
        const names = flags.queue !== undefined ? await requireQueue(admin, flags.queue) : await admin.listTopics();
        const grouped = groupByQueue(names, flags.queue, await registeredDlqs(ctx.client(), names));
        if (grouped.size === 0) throw new CliError(EXIT.nothingMatched, 'No Switchyard queue topics (tasks.<queue>.*) on this cluster.', 'Start a worker to create a queue\'s topics, or check --brokers.');
        const reports = await buildReport(admin, grouped, flags.group);
        ctx.print(reports, reportTable(reports, flags.group !== undefined));
      }),
    );
}
