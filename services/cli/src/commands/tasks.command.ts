import type { Command } from 'commander';
import type { ContextFactory } from '../cli-context.js';
import { parseQueue, parseType } from '../dlq/dlq-flags.js';
import { withContext } from '../format/with-context.js';
import { collectTag, parseNonEmpty, parsePriority, parseScheduledAt } from '../tasks/tasks-flags.js';
import { enqueueAction, statusAction, type EnqueueFlags } from '../tasks/tasks.action.js';

/** `switchyard tasks enqueue|status`. */
export function registerTasksCommands(program: Command, context: ContextFactory): void {
  const tasks = program.command('tasks').description('Enqueue a task and read its status');

  tasks
    .command('enqueue')
    .description('Enqueue one task (through TaskProducer: validated, keyed by tenant, a queued status record); prints the receipt')
    .requiredOption('--queue <name>', 'queue to enqueue to', parseQueue)
    .requiredOption('--type <task_type>', 'snake_case task type', parseType)
    .option('--payload <json>', 'payload as JSON (default {})')
    .option('--payload-file <file>', 'read the JSON payload from a file')
    .option('--priority <lane>', 'critical, high, normal (default), low or background', parsePriority)
    .option('--tenant <tenant>', 'tenant id (the Kafka key)', parseNonEmpty('--tenant'))
    .option('--ordering-key <key>', 'ordering key inside the tenant', parseNonEmpty('--ordering-key'))
    .option('--id <task_id>', 'task id (default: a random UUID)', parseNonEmpty('--id'))
    .option('--scheduled-at <iso>', 'do not run before this ISO date-time (e.g. 2024-05-01T10:00:00Z)', parseScheduledAt)
    .option('--created-by <who>', 'Task.metadata.createdBy: the user or component enqueuing', parseNonEmpty('--created-by'))
    .option('--tag <tag>', 'Task.metadata.tags: a tag (repeat for several)', collectTag)
    .action(async (flags: EnqueueFlags, command: Command) => withContext(context(command), (ctx) => enqueueAction(ctx, flags)));

  tasks
    .command('status')
    .description('Print the latest status record of a task; exit 3 when it has none')
    .requiredOption('--queue <name>', 'queue of the task', parseQueue)
    .requiredOption('--id <task_id>', 'task id', parseNonEmpty('--id'))
    .action(async (flags: { queue: string; id: string }, command: Command) => withContext(context(command), (ctx) => statusAction(ctx, flags)));

}
