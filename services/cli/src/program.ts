import { Command, Option } from 'commander';
import { CliContext, type ContextFactory, type GlobalOptions } from './cli-context.js';
import { registerDlqCommands } from './commands/dlq.command.js';
import { registerOffsetsCommands } from './commands/offsets.command.js';
import { registerReplayCommand } from './commands/replay.command.js';
import { registerSchedulesCommands } from './commands/schedules.command.js';
import { registerTasksCommands } from './commands/tasks.command.js';
import { registerTopicsCommand } from './commands/topics.command.js';
import { registerWebhooksCommands } from './webhooks/webhooks.command.js';

const EXIT_CODE_HELP = `
Exit codes: 0 done, 1 failed while running, 2 bad input (flag, value, date, unknown topic/group),
3 nothing matched, 4 refused for safety (live group members, purge without --yes), 130 interrupted.
Environment: KAFKA_BROKERS (host:port,...), KAFKA_CLIENT_ID, KAFKA_SASL_*, KAFKA_SSL*, LOG_LEVEL.`;

/** The `switchyard` command tree. */
export function buildProgram(): Command {
  const program = new Command('switchyard')
    .description('Operate Switchyard on Kafka: replay topics, browse and redrive dead letters, reset offsets, inspect topics and tasks.')
    .addOption(new Option('--brokers <list>', 'bootstrap servers host:port,... (default: $KAFKA_BROKERS)'))
    .addOption(new Option('--json', 'machine-readable JSON output'))
    .showHelpAfterError()
    // Before the commands are added: commander copies exitOverride only to later subcommands, and
    // main.ts maps the thrown usage errors to exit code 2.
    .exitOverride()
    .addHelpText('after', EXIT_CODE_HELP);
  const context: ContextFactory = (command) => new CliContext(command.optsWithGlobals<GlobalOptions>());
  registerTopicsCommand(program, context);
  registerTasksCommands(program, context);
  registerDlqCommands(program, context);
  registerReplayCommand(program, context);
  registerOffsetsCommands(program, context);
  registerSchedulesCommands(program, context);
  registerWebhooksCommands(program, context);
  return program;
}
