import { Command, Option } from 'commander';
import { CliContext, type ContextFactory, type GlobalOptions } from './cli-context.js';

const EXIT_CODE_HELP = `
Exit codes: 0 done, 1 failed while running, 2 bad input (flag, value, date, unknown topic/group),
3 nothing matched, 4 refused for safety (live group members, purge without --yes), 130 interrupted.
Environment: KAFKA_BROKERS (host:port,...), KAFKA_CLIENT_ID, KAFKA_SASL_*, KAFKA_SSL*, LOG_LEVEL.`;

type Register = (program: Command, context: ContextFactory) => void;

/**
 * Every top-level command (in help order) and how to load it. Each is imported only when it is
 * the one run: a command's modules (the event bus's schema registry client, the webhooks and
 * scheduler libs, ...) cost ~0.7 s of CPU to load under tsx, a large share of a short replay.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['topics', async () => (await import('./commands/topics.command.js')).registerTopicsCommand],
  ['tasks', async () => (await import('./commands/tasks.command.js')).registerTasksCommands],
  ['dlq', async () => (await import('./commands/dlq.command.js')).registerDlqCommands],
  ['replay', async () => (await import('./commands/replay.command.js')).registerReplayCommand],
  ['offsets', async () => (await import('./commands/offsets.command.js')).registerOffsetsCommands],
  ['schedules', async () => (await import('./commands/schedules.command.js')).registerSchedulesCommands],
  ['webhooks', async () => (await import('./webhooks/webhooks.command.js')).registerWebhooksCommands],
];

/** Global options that take a value (the word after them is not the command). */
const GLOBAL_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['--brokers']);

/** The command word of `args` (the arguments after `switchyard`), if any. */
export function commandWordOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return args[i + 1];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The `switchyard` command tree for `args` (the arguments after `switchyard`): only the command
 * they name when it is one of ours, else every command (help, an unknown command's suggestions).
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
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
  const word = commandWordOf(args);
  const named = COMMANDS.filter(([name]) => name === word);
  const registers = await Promise.all((named.length > 0 ? named : COMMANDS).map(([, load]) => load()));
  for (const register of registers) register(program, context);
  return program;
}
