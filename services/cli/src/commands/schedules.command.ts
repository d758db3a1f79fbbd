import { Option, type Command } from 'commander';
import type { ContextFactory } from '../cli-context.js';
import { withContext } from '../format/with-context.js';
import { createAction, deleteAction, listAction, pauseAction, runNowAction, showAction, type StoreFlags } from '../schedules/schedules.action.js';
import type { CreateFlags } from '../schedules/schedules-flags.js';

/** `switchyard schedules list|show|create|pause|resume|delete|run-now` (engine: JobStore of libs/scheduler). */
export function registerSchedulesCommands(program: Command, context: ContextFactory): void {
  const schedules = program.command('schedules').description('Manage scheduled jobs (cron, interval, once) and read their execution log');
  const common = (command: Command) =>
    command
      .addOption(new Option('--scheduler <name>', 'scheduler name (topics switchyard.scheduler.<name>.*)').default('default'))
      .addOption(new Option('--partitions <n>', 'partitions of the jobs topic, when this creates it (default 6)'));

  common(schedules.command('list').description('List jobs with their state, schedule, last and next tick; exit 3 when there are none')).action(
    async (flags: StoreFlags, command: Command) => withContext(context(command), (ctx) => listAction(ctx, flags)),
  );

  common(schedules.command('show <id>').description('Show one job and its latest executions (the job log)'))
    .option('--limit <n>', 'executions to show (default 20)')
    .action(async (id: string, flags: StoreFlags & { limit?: string }, command: Command) => withContext(context(command), (ctx) => showAction(ctx, id, flags)));

  common(schedules.command('create').description('Create a job from --file <job.json> or from flags'))
    .option('--file <file>', 'a JSON file with one job (the ScheduledJob schema)')
    .option('--id <id>', 'job id (letters, digits, _ and -)')
    .option('--name <name>', 'snake_case name (default: from the id)')
    .option('--handler <task_type>', 'the task type fired (default: the name)')
    .option('--cron <expr>', 'cron expression, 5 fields or 6 with seconds first')
    .option('--timezone <zone>', 'IANA time zone of --cron (default UTC)')
    .option('--every-ms <ms>', 'fixed interval in ms')
    .option('--at <iso>', 'fire once at this ISO date-time')
    .option('--queue <name>', 'fire a task into this queue')
    .option('--event <name>', 'publish this event instead')
    .option('--payload <json>', 'payload of the task or event')
    .option('--priority <lane>', 'critical, high, normal (default), low or background')
    .option('--tenant <tenant>', 'tenant id')
    .option('--misfire <policy>', 'fire_once (default), skip or fire_all')
    .option('--max-retries <n>', "the fired task's retries")
    .option('--timeout-ms <ms>', "the fired task's timeout")
    .option('--disabled', 'create it paused')
    .action(async (flags: StoreFlags & CreateFlags, command: Command) => withContext(context(command), (ctx) => createAction(ctx, flags)));

  common(schedules.command('pause <id>').description('Disable a job: it fires nothing until resumed')).action(
    async (id: string, flags: StoreFlags, command: Command) => withContext(context(command), (ctx) => pauseAction(ctx, id, flags, true)),
  );
  common(schedules.command('resume <id>').description('Enable a job again (ticks that fell while paused are not fired)')).action(
    async (id: string, flags: StoreFlags, command: Command) => withContext(context(command), (ctx) => pauseAction(ctx, id, flags, false)),
  );
  common(schedules.command('delete <id>').description('Delete a job (needs --yes)'))
    .option('--yes', 'really delete')
    .action(async (id: string, flags: StoreFlags & { yes?: boolean }, command: Command) => withContext(context(command), (ctx) => deleteAction(ctx, id, flags)));
  common(schedules.command('run-now <id>').description('Fire a job once now, outside its schedule (trigger manual)')).action(
    async (id: string, flags: StoreFlags, command: Command) => withContext(context(command), (ctx) => runNowAction(ctx, id, flags)),
  );
}
