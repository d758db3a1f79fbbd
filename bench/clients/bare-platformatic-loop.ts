/**
 * What the bare loops on @platformatic/kafka's fetch API share: joining the group and starting
 * each assigned partition at its committed offset (else the earliest), grouping the partitions by
 * their leader for one fetch per broker, that fetch, and running the loop until every task is committed.
 */
import type { Consumer } from '@platformatic/kafka';
import { waitUntil } from '../worker/bench-timing.js';

const EARLIEST = -2n;

/** Joins `consumer`'s group on `topic`; resolves its assigned partitions and where each starts. */
export async function joinAtCommitted(consumer: Consumer, topic: string): Promise<{ readonly partitions: number[]; readonly positions: Map<number, bigint> }> {
  consumer.topics.trackAll(topic);
  await consumer.joinGroup({});
  const partitions = (consumer.assignments ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions);
  const stored = await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] });
  const earliest = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: partitions }, timestamp: EARLIEST });
  const positions = new Map(partitions.map((p) => {
    const at = stored.get(topic)?.[p] ?? -1n;
    return [p, at >= 0n ? at : (earliest.get(topic)?.[p] ?? 0n)] as const;
  }));
  return { partitions, positions };
}

/** `partitions` of `topic` by their leader's node id (from fresh metadata), and the topic's id. */
export async function partitionsByLeader(consumer: Consumer, topic: string, partitions: readonly number[]): Promise<{ readonly topicId: string; readonly byLeader: Map<number, number[]> }> {
  const metadata = await consumer.metadata({ topics: [topic] });
  const described = metadata.topics.get(topic)!;
  const byLeader = new Map<number, number[]>();
  for (const p of partitions) byLeader.set(described.partitions[p]!.leader, [...(byLeader.get(described.partitions[p]!.leader) ?? []), p]);
  return { topicId: described.id, byLeader };
}

/** One fetch from `node` of `partitions` of the topic `topicId`, each from its position, up to 1 MiB per partition. */
export function fetchFrom(consumer: Consumer, node: number, topicId: string, partitions: readonly number[], positions: ReadonlyMap<number, bigint>) {
  return consumer.fetch({
    node,
    topics: [{ topicId, partitions: partitions.map((partition) => ({ partition, fetchOffset: positions.get(partition)!, partitionMaxBytes: 1_048_576, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })) }],
  });
}

/**
 * Runs `loop` until `done()` (polled with a deadline), then `stop()`s it and waits for it to end.
 * A loop that fails first fails the run.
 */
export async function runLoopUntil(loop: () => Promise<void>, stop: () => void, done: () => boolean, wait: { readonly what: string; readonly timeoutMs: number; readonly progress: () => string }): Promise<void> {
  const looping = loop();
  // A timeout below ends the run while a fetch may still be under way: its failure on close is not ours to report.
  looping.catch(() => undefined);
  await Promise.race([looping, waitUntil(done, { ...wait, intervalMs: 5 })]);
  stop();
  await looping;
}
