import { Admin } from '@platformatic/kafka';
import { SwitchyardError } from '@switchyard/protocol';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import type { AdminPort, GroupDeletionRefusal, PartitionOffset, PartitionOffsets, TopicPartitionOffset, TopicSpec } from '../kafka-client.port.js';
import { platformaticBaseOptions } from './platformatic.config.js';
import { describeConsumerGroup } from './consumer-group-describe.js';
import { brokerReason, protocolErrorId, type Connector } from './platformatic.errors.js';

const EARLIEST = -2n;
const LATEST = -1n;
const TOPIC_RESOURCE = 2;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Errors a topic created a moment ago answers with while KRaft spreads its metadata. */
const METADATA_LAG = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_ID']);

async function withMetadataRetry<T>(operation: () => Promise<T>, attempts = 10, delayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !METADATA_LAG.has(protocolErrorId(error) ?? '')) throw error;
      await delay(delayMs);
    }
  }
}

/** Kafka's names of group states (the library upper-cases them: `STABLE`, `PREPARINGREBALANCE`). */
const GROUP_STATES = new Map(
  ['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'].map((name) => [name.toUpperCase(), name]),
);

function kafkaStateName(state: string): string {
  return GROUP_STATES.get(state.replace(/_/g, '').toUpperCase()) ?? state;
}

/** The admin port on @platformatic/kafka's Admin client. */
export class PlatformaticAdmin implements AdminPort {
  readonly #admin: Admin;
  readonly #connect: Connector;
  constructor(settings: KafkaConnectionSettings, connect: Connector) {
    this.#admin = new Admin(platformaticBaseOptions(settings));
    this.#connect = connect;
  }
  async connect() {
    await this.#connect(() => this.#admin.metadata({ topics: [] }));
  }
  disconnect() {
    return this.#admin.close();
  }
  listTopics() {
    return this.#admin.listTopics({ includeInternals: false });
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    if (specs.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const fresh = specs.filter((s) => !existing.has(s.topic));
    if (fresh.length === 0) return [];
    // One request per topic: the library's CreateTopics takes one partition count, replication and config set per call.
    const outcomes = await Promise.all(
      fresh.map((s) =>
        this.#admin
          .createTopics({
            topics: [s.topic],
            partitions: s.numPartitions,
            replicas: s.replicationFactor,
            configs: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
          })
          .then(
            () => ({ topic: s.topic, error: undefined as string | undefined, reason: '', cause: undefined as unknown }),
            (cause: unknown) => ({ topic: s.topic, error: protocolErrorId(cause) ?? (cause as Error).message, reason: brokerReason(cause), cause }),
          ),
      ),
    );
    const failed = outcomes.filter((o) => o.error !== undefined && o.error !== 'TOPIC_ALREADY_EXISTS');
    if (failed.length > 0) {
      const byReason = new Map<string, string[]>();
      for (const f of failed) byReason.set(f.reason, [...(byReason.get(f.reason) ?? []), f.topic]);
      const reasons = [...byReason].map(([reason, topics]) => `${reason} (${topics.join(', ')})`);
      throw new SwitchyardError('SY_INVALID_CONFIG', `Kafka refused to create topics: ${reasons.join('; ')}.`, {
        hint: 'Check the topic settings against the cluster: replicationFactor <= brokers available, partitions and configs (e.g. retention.ms, max.message.bytes) within the broker limits.',
        cause: failed[0]!.cause,
      });
    }
    await this.#waitForLeaders(fresh.map((s) => s.topic));
    return outcomes.filter((o) => o.error === undefined).map((o) => o.topic);
  }

  /** Until every partition has a leader that answers ListOffsets (metadata can name a leader a moment early). */
  async #waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await this.#admin
        .metadata({ topics, forceUpdate: true })
        .then((m) => topics.every((t) => (m.topics.get(t)?.partitions.length ?? 0) > 0 && m.topics.get(t)!.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready && (await Promise.all(topics.map((t) => this.topicOffsets(t).then(() => true, () => false)))).every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`Topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await delay(100);
    }
  }

  async describeTopics(topics: readonly string[]) {
    const metadata = await withMetadataRetry(() => this.#admin.metadata({ topics: [...topics], forceUpdate: true }));
    return topics.map((topic) => ({
      topic,
      partitions: (metadata.topics.get(topic)?.partitions ?? []).map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
    }));
  }

  async describeTopicConfigs(topics: readonly string[]) {
    if (topics.length === 0) return {};
    const described = await withMetadataRetry(() =>
      this.#admin.describeConfigs({ resources: topics.map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName })), includeSynonyms: false }),
    );
    const out: Record<string, Record<string, string>> = {};
    for (const resource of described) {
      out[resource.resourceName] = Object.fromEntries(resource.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value as string]));
    }
    return out;
  }

  deleteTopics(topics: readonly string[]) {
    return this.#admin.deleteTopics({ topics: [...topics] });
  }

  async deleteRecords(topic: string, offsets: readonly { readonly partition: number; readonly offset: string }[]) {
    await this.#admin.deleteRecords({ topics: [{ name: topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }] });
  }

  async #partitionsOf(topic: string): Promise<number[]> {
    const metadata = await withMetadataRetry(() => this.#admin.metadata({ topics: [topic] }));
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, i) => i);
  }

  async #listOffsets(topic: string, timestamp: bigint): Promise<Map<number, bigint>> {
    const partitions = await this.#partitionsOf(topic);
    const listed = await withMetadataRetry(() =>
      this.#admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] }),
    );
    return new Map(listed.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.offset] as const)));
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const [low, high] = await Promise.all([this.#listOffsets(topic, EARLIEST), this.#listOffsets(topic, LATEST)]);
    return [...high.keys()].sort((a, b) => a - b).map((partition) => ({ partition, low: String(low.get(partition) ?? 0n), high: String(high.get(partition)) }));
  }

  async groupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    const requested = await Promise.all(topics.map(async (name) => ({ name, partitionIndexes: await this.#partitionsOf(name) })));
    const [group] = await this.#admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: requested }] });
    return (group?.topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: String(p.committedOffset) })));
  }

  async offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]> {
    const [found, high] = await Promise.all([this.#listOffsets(topic, BigInt(timestampMs)), this.#listOffsets(topic, LATEST)]);
    return [...high.keys()]
      .sort((a, b) => a - b)
      .map((partition) => {
        const offset = found.get(partition) ?? -1n;
        return { partition, offset: String(offset < 0n ? high.get(partition)! : offset) };
      });
  }

  async describeGroup(groupId: string) {
    const groups = await this.#admin.describeGroups({ groups: [groupId] });
    const group = groups.get(groupId);
    // DescribeGroups knows classic groups only; a KIP-848 consumer group is described by ConsumerGroupDescribe.
    if (!group || kafkaStateName(group.state) === 'Dead') {
      const described = await describeConsumerGroup(this.#admin, groupId);
      if (described && described.errorCode === 0) {
        return { groupId, state: kafkaStateName(described.groupState), members: described.members.map(({ memberId, clientId, clientHost }) => ({ memberId, clientId, clientHost })) };
      }
    }
    return {
      groupId,
      state: group ? kafkaStateName(group.state) : 'Dead',
      members: [...(group?.members.values() ?? [])].map((m) => ({ memberId: m.id, clientId: m.clientId, clientHost: m.clientHost })),
    };
  }

  async setGroupOffsets(groupId: string, topic: string, offsets: readonly PartitionOffset[]) {
    if (offsets.length === 0) return;
    await this.#admin.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.offset) })) }],
    });
  }

  async listGroups() {
    // The library lists classic groups unless told otherwise; KIP-848 groups are of type consumer.
    return [...(await this.#admin.listGroups({ types: ['classic', 'consumer'] })).keys()];
  }

  /** One DeleteGroups per group, so each refusal is known by group (the library aggregates them). */
  async deleteGroups(groupIds: readonly string[]): Promise<GroupDeletionRefusal[]> {
    const outcomes = await Promise.all(
      groupIds.map((groupId) =>
        this.#admin.deleteGroups({ groups: [groupId] }).then(
          () => undefined,
          (error: unknown) => ({ groupId, error: protocolErrorId(error) ?? (error as Error).message ?? 'UNKNOWN' }),
        ),
      ),
    );
    return outcomes.filter((o): o is GroupDeletionRefusal => o !== undefined && o.error !== 'GROUP_ID_NOT_FOUND');
  }

  /** The node coordinating `groupId` (TxnOffsetCommit goes there). */
  async coordinatorOf(groupId: string): Promise<number> {
    const [found] = await this.#admin.findCoordinator({ keyType: 0, keys: [groupId] });
    if (!found) throw new Error(`No coordinator found for consumer group ${groupId}`);
    return found.nodeId;
  }
}
