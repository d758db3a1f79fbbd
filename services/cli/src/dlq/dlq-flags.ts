/**
 * Flags of the `dlq` commands, validated by commander parsers: a bad value fails with exit 2 and a
 * message naming the flag and the expected form.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { QUEUE_NAME_PATTERN, SNAKE_CASE_ID_PATTERN } from '@switchyard/protocol';
import { parseTimePoint, TIME_FORM } from './time-option.js';
import type { DlqFilter } from './dlq-entry.js';

function parser<T>(flag: string, form: string, read: (value: string) => T | undefined): (value: string) => T {
  return (value) => {
    const parsed = read(value);
    if (parsed === undefined) throw new InvalidArgumentError(`${flag} expects ${form}, got "${value}".`);
    return parsed;
  };
}

const matching = (pattern: RegExp) => (value: string) => (pattern.test(value) ? value : undefined);
const wholeNumber = (min: number) => (value: string) => (/^\d+$/.test(value) && Number(value) >= min ? Number(value) : undefined);

export const parseQueue = parser('--queue', 'a queue name (a-z first, then a-z, 0-9, _ or -)', matching(QUEUE_NAME_PATTERN));
export const parseCode = parser('--code', 'an error code such as SY_UNRECOVERABLE', matching(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/));
export const parseType = parser('--type', 'a snake_case task type such as send_email', matching(SNAKE_CASE_ID_PATTERN));
export const parseTenant = parser('--tenant', 'a non-empty tenant id', (v) => (v.length > 0 ? v : undefined));
export const parseSince = parser('--since', TIME_FORM, (v) => parseTimePoint(v));
export const parseUntil = parser('--until', TIME_FORM, (v) => parseTimePoint(v));
export const parseLimit = parser('--limit', 'a whole number of at least 1', wholeNumber(1));
export const parsePartition = parser('--partition', 'a partition number (0 or more)', wholeNumber(0));
export const parseOffset = parser('--offset', 'an offset (a whole number, 0 or more)', (v) => (/^\d+$/.test(v) ? v : undefined));
export const parseRate = parser('--rate', 'records per second, a number greater than 0 (e.g. 50 or 0.5)', (v) =>
  /^\d+(\.\d+)?$/.test(v) && Number(v) > 0 ? Number(v) : undefined,
);

/** Options of the filtering flags as commander hands them over. */
export interface FilterFlags {
  readonly queue: string;
  readonly code?: string;
  readonly type?: string;
  readonly tenant?: string;
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
}

/** Adds `--queue` and the filter flags shared by list, redrive and purge. */
export function addFilterFlags(command: Command, defaultLimit?: number): Command {
  command
    .requiredOption('--queue <name>', 'queue whose dead letters (tasks.<queue>.dlq) to read', parseQueue)
    .option('--code <code>', 'only entries that died with this error code (sy-dlq-code)', parseCode)
    .option('--type <task_type>', 'only tasks of this type (sy-task-type)', parseType)
    .option('--tenant <tenant>', 'only tasks of this tenant (sy-tenant)', parseTenant)
    .option('--since <time>', 'only entries dead at or after: ISO date or 45s/30m/2h/7d ago', parseSince)
    .option('--until <time>', 'only entries dead before: ISO date or 45s/30m/2h/7d ago', parseUntil);
  const limit = new Option('--limit <n>', 'at most this many entries').argParser(parseLimit);
  command.addOption(defaultLimit === undefined ? limit : limit.default(defaultLimit));
  return command;
}

/** The filter of the parsed flags. */
export function filterOf(flags: FilterFlags): DlqFilter {
  return {
    ...(flags.code !== undefined ? { code: flags.code } : {}),
    ...(flags.type !== undefined ? { type: flags.type } : {}),
    ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
  };
}
