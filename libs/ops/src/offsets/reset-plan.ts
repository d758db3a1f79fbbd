/**
 * The pure part of an offsets reset: which strategy the options ask for, and the new offset of each
 * partition, clamped to what the log still holds ([low, high]) like kafka-consumer-groups.
 */
import { opsError } from '../ops-error.js';
import { parseDurationFlag, parseInstant } from '../time/time-spec.js';

/** How to move the offsets; `timestamp` covers `toDatetime` and `byDuration`. */
export type ResetStrategy =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'timestamp'; readonly timestampMs: number }
  | { readonly kind: 'shift'; readonly by: bigint }
  | { readonly kind: 'offset'; readonly offset: bigint };

/** The reset flags as commander hands them over. */
export interface ResetFlags {
  readonly toEarliest?: boolean;
  readonly toLatest?: boolean;
  readonly toDatetime?: string;
  readonly byDuration?: string;
  readonly shiftBy?: string;
  readonly toOffset?: string;
}

/** What the plan needs to know of one partition. */
export interface PartitionState {
  readonly partition: number;
  /** Committed offset of the group, or undefined when it has none. */
  readonly current: bigint | undefined;
  readonly low: bigint;
  readonly high: bigint;
  /** First offset at or after the strategy's timestamp (only for `timestamp`). */
  readonly atTimestamp?: bigint;
}

export interface PlannedReset {
  readonly partition: number;
  readonly current: bigint | undefined;
  readonly next: bigint;
}

function integerFlag(text: string, option: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is not an integer`);
  return BigInt(text.trim());
}

/** The one strategy the flags name; none or several is a bad-input error. */
export function resetStrategyOf(flags: ResetFlags, nowMs: number): ResetStrategy {
  const given: ResetStrategy[] = [];
  if (flags.toEarliest) given.push({ kind: 'earliest' });
  if (flags.toLatest) given.push({ kind: 'latest' });
  if (flags.toDatetime !== undefined) given.push({ kind: 'timestamp', timestampMs: parseInstant(flags.toDatetime, 'toDatetime', nowMs) });
  if (flags.byDuration !== undefined) given.push({ kind: 'timestamp', timestampMs: nowMs - parseDurationFlag(flags.byDuration, 'byDuration') });
  if (flags.shiftBy !== undefined) given.push({ kind: 'shift', by: integerFlag(flags.shiftBy, 'shiftBy') });
  if (flags.toOffset !== undefined) given.push({ kind: 'offset', offset: integerFlag(flags.toOffset, 'toOffset') });
  if (given.length !== 1) {
    throw opsError(
      'SY_INVALID_ARGUMENT',
      `a reset needs exactly one target, got ${given.length}`,
      'Give one of `toEarliest`, `toLatest`, `toDatetime` (ISO), `byDuration` (2h, PT2H), `shiftBy` (n), `toOffset` (n).',
    );
  }
  return given[0]!;
}

const clamp = (value: bigint, low: bigint, high: bigint): bigint => (value < low ? low : value > high ? high : value);

function targetOf(strategy: ResetStrategy, state: PartitionState): bigint {
  switch (strategy.kind) {
    case 'earliest':
      return state.low;
    case 'latest':
      return state.high;
    case 'timestamp':
      return state.atTimestamp ?? state.high;
    case 'offset':
      return strategy.offset;
    case 'shift':
      // Like Kafka's tool, a partition without a committed offset shifts from the log start.
      return (state.current ?? state.low) + strategy.by;
  }
}

/** The new offset of every partition, clamped to [low, high]. */
export function planReset(strategy: ResetStrategy, partitions: readonly PartitionState[]): PlannedReset[] {
  return partitions.map((state) => ({ partition: state.partition, current: state.current, next: clamp(targetOf(strategy, state), state.low, state.high) }));
}
