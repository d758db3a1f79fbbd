/**
 * Turns a replay's selection into exact offset ranges per partition, frozen at start (so copies
 * written back to the origin topic are never read again), and finds where an interrupted run of
 * the same replay stopped.
 */
import type { AdminPort, PartitionOffsets } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { requireKnownSubscription } from '../subscription/subscription-topics.js';
import { replayGroup } from './replay.names.js';
import type { OffsetRange, ReplayOptions } from './replay.options.js';

/** One partition's share of a replay: offsets [start, end), to be read from `position` on. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  /** Where reading starts: `start`, or the committed progress of an interrupted run. */
  readonly position: bigint;
}

export interface ReplayPlan {
  readonly topic: string;
  readonly group: string;
  readonly partitions: readonly PartitionRange[];
  /** True when an earlier run of this replay committed progress. */
  readonly resumed: boolean;
}

type Span = Omit<PartitionRange, 'position'>;

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Explicit ranges (inclusive `last`) clamped to what the log holds. */
export function spansFromOffsets(ranges: readonly OffsetRange[], log: readonly PartitionOffsets[]): Span[] {
  return ranges.map((range) => {
    const offsets = log.find((p) => p.partition === range.partition);
    if (!offsets) throw opsError('SY_INVALID_ARGUMENT', `\`partition\` ${range.partition}: the topic has partitions 0..${log.length - 1}`);
    const low = BigInt(offsets.low);
    const high = BigInt(offsets.high);
    const end = min(range.last === undefined ? high : range.last + 1n, high);
    return { partition: range.partition, start: min(max(range.first, low), end), end };
  });
}

/** Time-range spans from the offsets-for-times lookups at `from` and (optionally) `to`. */
export function spansFromTimes(log: readonly PartitionOffsets[], atFrom: ReadonlyMap<number, bigint>, atTo?: ReadonlyMap<number, bigint>): Span[] {
  return log.map((p) => {
    const high = BigInt(p.high);
    const end = min(atTo?.get(p.partition) ?? high, high);
    return { partition: p.partition, start: min(max(atFrom.get(p.partition) ?? high, BigInt(p.low)), end), end };
  });
}

/** Non-empty spans with their read position: the committed progress when there is one. */
export function withProgress(spans: readonly Span[], committed: ReadonlyMap<number, bigint>): PartitionRange[] {
  return spans
    .filter((s) => s.end > s.start)
    .map((s) => {
      const done = committed.get(s.partition);
      return { ...s, position: done === undefined ? s.start : min(max(done, s.start), s.end) };
    });
}

const byPartition = (list: readonly { partition: number; offset: string }[]) =>
  new Map(list.filter((o) => BigInt(o.offset) >= 0n).map((o) => [o.partition, BigInt(o.offset)]));

async function spansOf(admin: AdminPort, options: ReplayOptions, log: readonly PartitionOffsets[]): Promise<Span[]> {
  const { selection, topic } = options;
  if (selection.kind === 'offsets') return spansFromOffsets(selection.ranges, log);
  const atFrom = byPartition(await admin.offsetsForTimes(topic, selection.fromMs));
  const atTo = selection.toMs === undefined ? undefined : byPartition(await admin.offsetsForTimes(topic, selection.toMs));
  return spansFromTimes(log, atFrom, atTo);
}

/**
 * Resolves the plan; unknown topics and subscriptions are bad input (exit 2), an empty range is
 * exit 3. A subscription's replay topic need not exist yet (the command creates it).
 */
export async function resolveReplayPlan(admin: AdminPort, options: ReplayOptions): Promise<ReplayPlan> {
  const topics = new Set(await admin.listTopics());
  const mustExist: [string, string][] = options.subscription ? [['topic', options.topic]] : [['topic', options.topic], ['toTopic', options.toTopic]];
  for (const [option, name] of mustExist) {
    if (!topics.has(name)) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: unknown topic ${name}`, 'Check the name against the topics of the cluster.');
  }
  if (options.subscription) await requireKnownSubscription(admin, options.subscription.name);
  const log = await admin.topicOffsets(options.topic);
  const spans = (await spansOf(admin, options, log)).filter((s) => s.end > s.start);
  if (spans.length === 0) throw opsError('SY_NOTHING_MATCHED', `nothing to replay: the range holds no records of ${options.topic}`);
  const group = replayGroup(options.id);
  const committed = options.dryRun ? new Map<number, bigint>() : byPartition(await admin.groupOffsets(group, [options.topic]));
  return { topic: options.topic, group, partitions: withProgress(spans, committed), resumed: committed.size > 0 };
}

/** Offsets left to read (transaction markers included, so an upper bound of records). */
export function remainingOffsets(plan: ReplayPlan): number {
  return plan.partitions.reduce((n, p) => n + Number(p.end - p.position), 0);
}
