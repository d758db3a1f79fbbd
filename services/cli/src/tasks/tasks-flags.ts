/** Flags of the `tasks` commands, validated at the edge (exit 2 naming the flag). */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { TaskPriority } from '@switchyard/protocol';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

export const parsePriority = (value: string): TaskPriority => {
  const parsed = TaskPriority.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--priority expects one of ${TaskPriority.options.join(', ')}, got "${value}".`);
  return parsed.data;
};

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO date-time with an offset, normalised to UTC `...Z`. */
export const parseScheduledAt = (value: string): string => {
  const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`--scheduled-at expects an ISO date-time with an offset, e.g. 2024-05-01T10:00:00Z, got "${value}".`);
  return new Date(ms).toISOString();
};

export const parseNonEmpty =
  (flag: string) =>
  (value: string): string => {
    if (value.length === 0) throw new InvalidArgumentError(`${flag} expects a non-empty string.`);
    return value;
  };

/** `--tag` may be repeated: each value is added to the tags given before it. */
export const collectTag = (value: string, previous: readonly string[] | undefined): string[] => [...(previous ?? []), parseNonEmpty('--tag')(value)];

/** The payload of `--payload` or `--payload-file` (default `{}`); a bad one is exit 2 naming the flag. */
export async function readPayload(flags: { payload?: string; payloadFile?: string }): Promise<unknown> {
  if (flags.payload !== undefined && flags.payloadFile !== undefined) throw new CliError(EXIT.badInput, 'Pass --payload or --payload-file, not both.');
  if (flags.payloadFile !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.payloadFile, 'utf8');
    } catch (error) {
      throw new CliError(EXIT.badInput, `--payload-file: cannot read ${flags.payloadFile}: ${(error as Error).message}.`);
    }
    return parseJson('--payload-file', text);
  }
  return flags.payload === undefined ? {} : parseJson('--payload', flags.payload);
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.badInput, `${flag}: not valid JSON (${(error as Error).message}).`, `Quote the JSON for your shell, e.g. ${flag === '--payload' ? `--payload '{"to":"a@b.c"}'` : '--payload-file task.json'}.`);
  }
}
