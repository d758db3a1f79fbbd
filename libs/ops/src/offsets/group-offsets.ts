/**
 * Reading a consumer group's committed offsets and lag, and applying a reset plan. Talks to Kafka
 * through the AdminPort only; the arithmetic lives in reset-plan.ts.
 */
import type { AdminPort, GroupDescription } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { planReset, type PartitionState, type PlannedReset, type ResetStrategy } from './reset-plan.js';

/** One row of `switchyard offsets`. */
export interface GroupPartitionOffsets {
  readonly topic: string;
  readonly partition: number;
  /** Committed offset, null when the group never committed on this partition. */
  readonly committed: string | null;
  readonly low: string;
  readonly high: string;
  /** high - committed (high - low without a commit). */
  readonly lag: string;
}

/** States in which a group has no running consumer, so its offsets may be changed. */
const INACTIVE_STATES = new Set(['Empty', 'Dead']);

/** True when a consumer of the group is connected (resetting then would be overwritten or raced). */
export function hasLiveMembers(group: GroupDescription): boolean {
  return group.members.length > 0 && !INACTIVE_STATES.has(group.state);
}

const committedOf = (offset: string | undefined): bigint | undefined => (offset === undefined || BigInt(offset) < 0n ? undefined : BigInt(offset));

async function requireTopics(admin: AdminPort, topics: readonly string[]): Promise<void> {
  const known = new Set(await admin.listTopics());
  const unknown = topics.filter((t) => !known.has(t));
  if (unknown.length > 0) throw opsError('SY_INVALID_ARGUMENT', `\`topic\`: unknown topic ${unknown.join(', ')}`, 'Check the name against the topics of the cluster.');
}

/** Topics the group has committed offsets on (when the user named none). */
async function committedTopics(admin: AdminPort, groupId: string): Promise<string[]> {
  const all = await admin.groupOffsets(groupId, []);
  return [...new Set(all.filter((o) => BigInt(o.offset) >= 0n).map((o) => o.topic))].sort();
}

/** The per-partition state of `topic` for `groupId`, with the offsets-for-time lookup when needed. */
async function partitionStates(admin: AdminPort, groupId: string, topic: string, timestampMs?: number): Promise<PartitionState[]> {
  const [ends, committed, byTime] = await Promise.all([
    admin.topicOffsets(topic),
    admin.groupOffsets(groupId, [topic]),
    timestampMs === undefined ? Promise.resolve(undefined) : admin.offsetsForTimes(topic, timestampMs),
  ]);
  return ends.map((end) => {
    const at = byTime?.find((o) => o.partition === end.partition)?.offset;
    return {
      partition: end.partition,
      current: committedOf(committed.find((o) => o.topic === topic && o.partition === end.partition)?.offset),
      low: BigInt(end.low),
      high: BigInt(end.high),
      ...(at !== undefined ? { atTimestamp: BigInt(at) } : {}),
    };
  });
}

/** Committed offsets and lag of `groupId` on `topics` (default: every topic it committed on). */
export async function readGroupOffsets(admin: AdminPort, groupId: string, topics: readonly string[]): Promise<GroupPartitionOffsets[]> {
  if (topics.length > 0) await requireTopics(admin, topics);
  const names = topics.length > 0 ? topics : await committedTopics(admin, groupId);
  const rows: GroupPartitionOffsets[] = [];
  for (const topic of names) {
    for (const state of await partitionStates(admin, groupId, topic)) {
      const base = state.current ?? state.low;
      rows.push({
        topic,
        partition: state.partition,
        committed: state.current?.toString() ?? null,
        low: state.low.toString(),
        high: state.high.toString(),
        lag: (state.high > base ? state.high - base : 0n).toString(),
      });
    }
  }
  return rows;
}

/** One topic's part of a reset. */
export interface TopicResetPlan {
  readonly topic: string;
  readonly partitions: readonly PlannedReset[];
}

/** Refuses (exit 4) while the group has live members: they would overwrite the reset. */
export async function requireInactiveGroup(admin: AdminPort, groupId: string): Promise<GroupDescription> {
  const group = await admin.describeGroup(groupId);
  if (hasLiveMembers(group)) {
    throw opsError(
      'SY_OPERATION_REFUSED',
      `group ${groupId} has ${group.members.length} live member(s) (state ${group.state}); refusing to reset its offsets`,
      'Stop the consumers of the group first, then run the reset again.',
    );
  }
  return group;
}

/** The reset of each of `topics` the strategy asks for (nothing is written). */
export async function planGroupReset(admin: AdminPort, groupId: string, topics: readonly string[], strategy: ResetStrategy): Promise<TopicResetPlan[]> {
  await requireTopics(admin, topics);
  const timestampMs = strategy.kind === 'timestamp' ? strategy.timestampMs : undefined;
  const plans: TopicResetPlan[] = [];
  for (const topic of topics) plans.push({ topic, partitions: planReset(strategy, await partitionStates(admin, groupId, topic, timestampMs)) });
  return plans;
}

/** Commits a planned reset. */
export async function applyGroupReset(admin: AdminPort, groupId: string, plans: readonly TopicResetPlan[]): Promise<void> {
  for (const plan of plans) {
    await admin.setGroupOffsets(
      groupId,
      plan.topic,
      plan.partitions.map((p) => ({ partition: p.partition, offset: p.next.toString() })),
    );
  }
}

/** A reset as a front end asks for it: the group, its topics, the strategy, and whether to apply it. */
export interface GroupResetRequest {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly strategy: ResetStrategy;
  /** False: only plan (a dry run). */
  readonly execute: boolean;
}

/**
 * Plans a reset and, with `execute`, applies it. Refused (SY_OPERATION_REFUSED) while the group has
 * live members, for the dry run too (a plan made while consumers move the offsets is stale at once),
 * and checked again right before the commit.
 */
export async function resetGroupOffsets(admin: AdminPort, request: GroupResetRequest): Promise<TopicResetPlan[]> {
  const { groupId, topics, strategy } = request;
  await requireInactiveGroup(admin, groupId);
  const plans = await planGroupReset(admin, groupId, topics, strategy);
  if (request.execute) {
    await requireInactiveGroup(admin, groupId);
    await applyGroupReset(admin, groupId, plans);
  }
  return plans;
}
