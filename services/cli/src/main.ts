/** Entry of the `switchyard` command (services/cli/bin/switchyard). */
import { CommanderError } from 'commander';
import { isSwitchyardError } from '@switchyard/protocol';
import { CliError } from './cli-context.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { buildProgram } from './program.js';
import { withFlagNames } from './format/option-flags.js';

function fail(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}\n`);
    return error.exitCode;
  }
  if (isSwitchyardError(error)) {
    // The engine names its options (`fromOffset`); the user typed flags (--from-offset).
    process.stderr.write(`error: ${error.code}: ${withFlagNames(error.message)}${error.hint ? `\nhint: ${withFlagNames(error.hint)}` : ''}\n`);
    return exitCodeOf(error.code);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}

const program = (await buildProgram(process.argv.slice(2))).exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; usage errors (commander already printed them) are bad input.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else {
    process.exitCode = fail(error);
  }
}
