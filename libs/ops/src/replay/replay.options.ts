/**
 * Replay options as a front end hands them over (the CLI's `replay` flags), validated once at the
 * edge (STYLE.md #5) into frozen ReplayOptions. A bad option is a bad-input error that names it by
 * its engine name in backticks (`fromOffset`); the front end shows its own name for it.
 */
import { createHash } from 'node:crypto';
import { subscriptionReplayTopic } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { parseHandlerList } from '../subscription/replay-record.js';
import { isSubscriptionName, SUBSCRIPTION_FORM } from '../subscription/subscription-topics.js';
import { splitAssignment, type RecordFilterSpec } from './record-filter.js';
import { parseInstant } from '../time/time-spec.js';

/** The flags as commander hands them over (repeatable ones as arrays). */
export interface ReplayFlags {
  readonly topic: string;
  readonly partition: string[];
  readonly fromOffset: string[];
  readonly toOffset: string[];
  readonly from?: string;
  readonly to?: string;
  readonly type: string[];
  readonly tenant: string[];
  readonly header: string[];
  readonly where: string[];
  readonly toTopic?: string;
  /** Replay into this subscription's handlers only (its replay topic) instead of a topic. */
  readonly subscription?: string;
  /** With `subscription`: comma-separated handler ids (sy-event-target-handlers). */
  readonly handlers?: string;
  readonly rate?: string;
  readonly speed?: string;
  readonly dryRun?: boolean;
  readonly id?: string;
}

/** An explicit offset range of one partition; `last` is inclusive, undefined = up to the log end. */
export interface OffsetRange {
  readonly partition: number;
  readonly first: bigint;
  readonly last?: bigint;
}

/** What to read: explicit offset ranges, or a time range resolved through offsets-for-times. */
export type ReplaySelection =
  | { readonly kind: 'offsets'; readonly ranges: readonly OffsetRange[] }
  | { readonly kind: 'time'; readonly fromMs: number; readonly toMs?: number };

export interface ReplayOptions {
  readonly topic: string;
  readonly selection: ReplaySelection;
  readonly filter: RecordFilterSpec;
  /** Where copies go (default: the origin topic; with a subscription, its replay topic). */
  readonly toTopic: string;
  /**
   * Replay into one subscription (the protocol's EventReplayConfig): copies go to
   * `switchyard.subscription.<name>.replay`, with `sy-event-target-handlers` when
   * `targetHandlers` is not empty (empty = every matching handler).
   */
  readonly subscription?: { readonly name: string; readonly targetHandlers: readonly string[] };
  /** Most records written per second; undefined = as fast as allowed. */
  readonly rate?: number;
  /** Pacing by record timestamps (1 = original pace); undefined = no pacing. */
  readonly speed?: number;
  readonly dryRun: boolean;
  /** Names the progress group and the transactional id; same arguments -> same id -> resume. */
  readonly id: string;
}

function nonNegativeInteger(text: string, option: string): bigint {
  if (!/^\d+$/.test(text.trim())) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is not a non-negative integer`);
  return BigInt(text.trim());
}

function positiveNumber(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is not a positive number`);
  return value;
}

function offsetRanges(flags: ReplayFlags): OffsetRange[] {
  const { partition, fromOffset, toOffset } = flags;
  if (fromOffset.length !== partition.length || (toOffset.length > 0 && toOffset.length !== partition.length)) {
    throw opsError('SY_INVALID_ARGUMENT', '`partition`, `fromOffset` and `toOffset` must be given together', 'Give the three once per partition, e.g. partition 0 from offset 100 to offset 199.');
  }
  return partition.map((p, i) => {
    const first = nonNegativeInteger(fromOffset[i]!, 'fromOffset');
    const last = toOffset[i] === undefined ? undefined : nonNegativeInteger(toOffset[i]!, 'toOffset');
    if (last !== undefined && last < first) throw opsError('SY_INVALID_ARGUMENT', `\`toOffset\` ${last} is before \`fromOffset\` ${first}`);
    return { partition: Number(nonNegativeInteger(p, 'partition')), first, ...(last !== undefined ? { last } : {}) };
  });
}

function selectionOf(flags: ReplayFlags, nowMs: number): ReplaySelection {
  const byOffset = flags.partition.length + flags.fromOffset.length + flags.toOffset.length > 0;
  if (byOffset === (flags.from !== undefined)) {
    throw opsError('SY_INVALID_ARGUMENT', byOffset ? '`from` cannot be combined with offset ranges' : 'replay needs `from` (an ISO datetime or a duration such as 2h) or `partition`/`fromOffset` ranges');
  }
  if (byOffset) {
    if (flags.to !== undefined) throw opsError('SY_INVALID_ARGUMENT', '`to` only applies with `from`');
    return { kind: 'offsets', ranges: offsetRanges(flags) };
  }
  const fromMs = parseInstant(flags.from!, 'from', nowMs);
  if (flags.to === undefined) return { kind: 'time', fromMs };
  const toMs = parseInstant(flags.to, 'to', nowMs);
  if (toMs <= fromMs) throw opsError('SY_INVALID_ARGUMENT', `\`to\` (${new Date(toMs).toISOString()}) is not after \`from\` (${new Date(fromMs).toISOString()})`);
  return { kind: 'time', fromMs, toMs };
}

/** `subscription`/`handlers`: the subscription target, undefined for a topic target. */
function subscriptionOf(flags: ReplayFlags): ReplayOptions['subscription'] {
  if (flags.subscription === undefined) {
    if (flags.handlers !== undefined) throw opsError('SY_INVALID_ARGUMENT', '`handlers` only applies with `subscription`', 'Name the subscription whose handlers the replay is for.');
    return undefined;
  }
  if (!isSubscriptionName(flags.subscription)) throw opsError('SY_INVALID_ARGUMENT', `\`subscription\` expects ${SUBSCRIPTION_FORM}, got "${flags.subscription}"`);
  if (flags.toTopic !== undefined) {
    throw opsError('SY_INVALID_ARGUMENT', '`toTopic` cannot be combined with `subscription`', `A replay into a subscription writes to ${subscriptionReplayTopic(flags.subscription)}, which only that subscription reads.`);
  }
  const targetHandlers = flags.handlers === undefined ? [] : parseHandlerList(flags.handlers);
  if (targetHandlers === undefined) throw opsError('SY_INVALID_ARGUMENT', `\`handlers\`: '${flags.handlers}' is not a comma-separated list of handler ids`, 'Use e.g. send_welcome,audit.');
  return { name: flags.subscription, targetHandlers };
}

function filterOf(flags: ReplayFlags): RecordFilterSpec {
  return {
    types: flags.type,
    tenants: flags.tenant,
    headers: flags.header.map((h) => splitAssignment(h, 'header')),
    where: flags.where.map((w) => {
      const { name, value } = splitAssignment(w, 'where');
      return { path: name.split('.'), value };
    }),
  };
}

/**
 * The default id: a hash of what decides which records are copied and where (the flags as typed,
 * so `--from 2h` stays the same replay when run again). Pacing flags are left out: a resumed run
 * may go faster or slower.
 */
export function replayIdOf(flags: ReplayFlags): string {
  const identity: unknown[] = [flags.topic, flags.partition, flags.fromOffset, flags.toOffset, flags.from ?? null, flags.to ?? null, flags.type, flags.tenant, flags.header, flags.where, flags.toTopic ?? null];
  // Appended only when given, so the ids of topic replays stay what they were.
  if (flags.subscription !== undefined) identity.push({ subscription: flags.subscription, handlers: flags.handlers ?? null });
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 12);
}

/** Validated, frozen options of one replay run. */
export function parseReplayOptions(flags: ReplayFlags, nowMs: number): ReplayOptions {
  if (flags.id !== undefined && !/^[A-Za-z0-9._-]+$/.test(flags.id)) throw opsError('SY_INVALID_ARGUMENT', `\`id\`: '${flags.id}' may only hold letters, digits, '.', '_' and '-'`);
  const rate = positiveNumber(flags.rate, 'rate');
  const speed = positiveNumber(flags.speed, 'speed');
  const subscription = subscriptionOf(flags);
  return Object.freeze({
    topic: flags.topic,
    selection: selectionOf(flags, nowMs),
    filter: filterOf(flags),
    toTopic: subscription ? subscriptionReplayTopic(subscription.name) : (flags.toTopic ?? flags.topic),
    ...(subscription ? { subscription } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(speed !== undefined ? { speed } : {}),
    dryRun: Boolean(flags.dryRun),
    id: flags.id ?? replayIdOf(flags),
  });
}
