/**
 * Flags of the `dlq` commands, validated by commander parsers: a bad value fails with exit 2 and a
 * message naming the flag and the expected form.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { QUEUE_NAME_PATTERN } from '@switchyard/protocol';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { isSubscriptionName, SUBSCRIPTION_FORM, type DlqFilter, type DlqSourceSpec } from '@switchyard/ops';
import { parseTimePoint, TIME_FORM } from './time-option.js';

function parser<T>(flag: string, form: string, read: (value: string) => T | undefined): (value: string) => T {
  return (value) => {
    const parsed = read(value);
    if (parsed === undefined) throw new InvalidArgumentError(`${flag} expects ${form}, got "${value}".`);
    return parsed;
  };
}

/** An event domain: the first segment of an event name (libs/kafka's event topic rule). */
const EVENT_DOMAIN_PATTERN = /^[a-z][a-z0-9_]{0,99}$/;
/** Task types and event types, with `*` globs; the source then narrows it (no dots in a task type). */
const TYPE_PATTERN = /^[a-z_*][a-z0-9_.*]{0,199}$/;

const matching = (pattern: RegExp) => (value: string) => (pattern.test(value) ? value : undefined);
const wholeNumber = (min: number) => (value: string) => (/^\d+$/.test(value) && Number(value) >= min ? Number(value) : undefined);

export const parseQueue = parser('--queue', 'a queue name (a-z first, then a-z, 0-9, _ or -)', matching(QUEUE_NAME_PATTERN));
export const parseCode = parser('--code', 'an error code such as SY_UNRECOVERABLE', matching(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/));
export const parseSubscription = parser('--subscription', SUBSCRIPTION_FORM, (v) => (isSubscriptionName(v) ? v : undefined));
export const parseDomain = parser('--domain', 'an event domain such as user (a-z first, then a-z, 0-9 or _)', matching(EVENT_DOMAIN_PATTERN));
/** A task type (`send_email`) or an event type (`user.created`); `*` matches any run (`user.*`). */
export const parseType = parser('--type', 'a task type such as send_email, or with --subscription an event type such as user.created (* matches any run: user.*)', matching(TYPE_PATTERN));
export const parseHandler = parser('--handler', 'a non-empty handler id', (v) => (v.length > 0 ? v : undefined));
export const parseTenant = parser('--tenant', 'a non-empty tenant id', (v) => (v.length > 0 ? v : undefined));
export const parseSince = parser('--since', TIME_FORM, (v) => parseTimePoint(v));
export const parseUntil = parser('--until', TIME_FORM, (v) => parseTimePoint(v));
export const parseLimit = parser('--limit', 'a whole number of at least 1', wholeNumber(1));
export const parsePartition = parser('--partition', 'a partition number (0 or more)', wholeNumber(0));
export const parseOffset = parser('--offset', 'an offset (a whole number, 0 or more)', (v) => (/^\d+$/.test(v) ? v : undefined));
export const parseRate = parser('--rate', 'records per second, a number greater than 0 (e.g. 50 or 0.5)', (v) =>
  /^\d+(\.\d+)?$/.test(v) && Number(v) > 0 ? Number(v) : undefined,
);

/** Which DLQ: exactly one of `--queue` and `--subscription`; `--domain` only with the latter. */
export interface SourceFlags {
  readonly queue?: string;
  readonly subscription?: string;
  readonly domain?: string;
}

/** Options of the filtering flags as commander hands them over: the engine's filter plus --limit. */
export interface FilterFlags extends SourceFlags, DlqFilter {
  readonly limit?: number;
}

/** Adds `--queue`, `--subscription` and `--domain` (checked by `sourceSpecOf`). */
export function addSourceFlags(command: Command): Command {
  return command
    .option('--queue <name>', 'a queue: its dead letters are in tasks.<queue>.dlq', parseQueue)
    .option('--subscription <name>', 'instead of --queue, an event-bus subscription: its dead letters are in every events.<domain>.dlq.<subscription>', parseSubscription)
    .option('--domain <domain>', 'with --subscription: only the DLQ of this event domain (events.<domain>.dlq.<subscription>)', parseDomain);
}

/**
 * The source the flags name: exactly one of `--queue` and `--subscription` (exit 2 otherwise),
 * `--domain` only with `--subscription`, and a `--type` that can match the source (a task type
 * has no dots).
 */
export function sourceSpecOf(flags: SourceFlags & { readonly type?: string }): DlqSourceSpec {
  const { queue, subscription, domain, type } = flags;
  if ((queue === undefined) === (subscription === undefined)) {
    throw new CliError(
      EXIT.badInput,
      queue === undefined ? 'Say whose dead letters: --queue <name> or --subscription <name>.' : 'Pass either --queue or --subscription, not both.',
      'A queue\'s dead letters are in tasks.<queue>.dlq, a subscription\'s in events.<domain>.dlq.<subscription>.',
    );
  }
  if (queue !== undefined) {
    if (domain !== undefined) throw new CliError(EXIT.badInput, '--domain only applies with --subscription (a queue has one DLQ).');
    if (type?.includes('.')) throw new CliError(EXIT.badInput, `--type "${type}": a task type has no dots (event types such as user.created go with --subscription).`, 'Use a snake_case task type such as send_email, or * globs such as send_*.');
    return { kind: 'queue', queue };
  }
  return { kind: 'subscription', subscription: subscription!, ...(domain !== undefined ? { domain } : {}) };
}

/** Adds the source flags and the filter flags shared by list and redrive. */
export function addFilterFlags(command: Command, defaultLimit?: number): Command {
  addSourceFlags(command)
    .option('--code <code>', 'only entries that died with this error code (sy-dlq-code)', parseCode)
    .option('--type <type>', 'only this task type (sy-task-type) or, with --subscription, event type (ce_type); * globs: user.*', parseType)
    .option('--tenant <tenant>', 'only this tenant (sy-tenant, or ce_tenantid for events)', parseTenant)
    .option('--handler <id>', 'only entries whose failed handler (sy-dlq-handler) is this one', parseHandler)
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
    ...(flags.handler !== undefined ? { handler: flags.handler } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.until !== undefined ? { until: flags.until } : {}),
  };
}
