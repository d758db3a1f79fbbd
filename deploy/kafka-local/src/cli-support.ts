import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isSwitchyardError } from '@switchyard/protocol';

/** Prints an error the way every local-service CLI does (code, message, fix) and sets exit code 1. */
export function reportCliError(error: unknown): void {
  if (isSwitchyardError(error)) {
    console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
}

/** `logs` of a local service: the last `lines` of each file, or follow them with `tail -F`. */
export async function printLogTails(files: readonly string[], lines: string, follow: boolean): Promise<void> {
  if (follow) {
    spawn('tail', ['-n', lines, '-F', ...files], { stdio: 'inherit' });
    return;
  }
  for (const file of files) {
    const text = (await readFile(file, 'utf8')).split('\n');
    console.log(`==> ${file} <==\n${text.slice(-Number(lines) - 1).join('\n')}`);
  }
}
