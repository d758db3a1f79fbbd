import type { GroupPartitionsAssigner, GroupPartitionsAssignments } from '@platformatic/kafka';

/**
 * Kafka's RangeAssigner for @platformatic/kafka (which ships round-robin only): per topic, the
 * members subscribed to it sorted by member id, each taking a consecutive range of partitions, the
 * first `partitions % members` one more. Topics of equal partition count are split alike, so
 * partition N of each goes to the same member (the port's `coPartitioned`).
 */
export const rangeAssigner: GroupPartitionsAssigner = (_current, members, topics, metadata) => {
  const out = new Map<string, GroupPartitionsAssignments>();
  for (const memberId of members.keys()) out.set(memberId, { memberId, assignments: new Map() });
  for (const topic of topics) {
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const subscribers = [...members.values()]
      .filter((m) => !m.topics || m.topics.includes(topic))
      .map((m) => m.memberId)
      .sort();
    if (subscribers.length === 0) continue;
    const each = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((memberId, i) => {
      const take = each + (i < extra ? 1 : 0);
      if (take === 0) return;
      const partitions = Array.from({ length: take }, (_, k) => next + k);
      next += take;
      out.get(memberId)!.assignments.set(topic, { topic, partitions });
    });
  }
  return [...out.values()];
};
