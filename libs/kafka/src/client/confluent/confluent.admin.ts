/**
 * AdminPort over the binding's KafkaJS-compatible admin (librdkafka's admin API). Two operations
 * the binding lacks go elsewhere: DescribeConfigs through a kafkajs admin on the same settings
 * (librdkafka has it, the binding does not bind it), and committing a group's offsets from outside
 * through an unsubscribed consumer of that group (what kafka-consumer-groups --reset-offsets does).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { SwitchyardError } from '@switchyard/protocol';
import type {
  AdminPort,
  GroupDeletionRefusal,
  GroupDescription,
  PartitionOffset,
  PartitionOffsets,
  TopicDescription,
  TopicPartitionOffset,
  TopicSpec,
} from '../kafka-client.port.js';
import { asKafkaError, kafkaCall, type Connector } from './confluent.errors.js';

/** What the admin needs besides the binding's admin. */
export interface AdminParts {
  readonly admin: KafkaJS.Admin;
  /** An unsubscribed consumer of `groupId` (commits offsets for the group). */
  groupHandle(groupId: string): KafkaJS.Consumer;
  /** An admin that speaks DescribeConfigs (kafkajs on the same settings). */
  configsAdmin(): Pick<AdminPort, 'connect' | 'disconnect' | 'describeTopicConfigs'>;
}

/** The binding's group states (its ConsumerGroupStates numbers) by Kafka's names. */
const GROUP_STATES = ['Unknown', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries what a freshly created topic's lagging metadata fails with (retriable errors), a few times. */
async function withMetadataRetry<T>(operation: () => Promise<T>, attempts = 10, delayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kafkaCall(operation);
    } catch (error) {
      const e = error as { retriable?: boolean; type?: string };
      const transient = e.retriable === true || e.type === 'UNKNOWN_TOPIC_OR_PART' || e.type === 'LEADER_NOT_AVAILABLE' || e.type === 'NOT_LEADER_FOR_PARTITION';
      if (attempt >= attempts || !transient) throw error;
      await sleep(delayMs);
    }
  }
}

/** Kafka's own descriptions (Errors.java, as kafkajs words them) of CreateTopics refusals; librdkafka words them its way. */
const KAFKA_DESCRIPTIONS: Record<string, string> = {
  INVALID_REPLICATION_FACTOR: 'Replication-factor is invalid',
  INVALID_PARTITIONS: 'Number of partitions is invalid',
  INVALID_CONFIG: 'Configuration is invalid',
  INVALID_TOPIC_EXCEPTION: 'The request attempted to perform an operation on an invalid topic',
  POLICY_VIOLATION: 'Request parameters do not satisfy the configured policy',
};

const asKafkaErrorType = (error: unknown) => (asKafkaError(error) as { type?: string }).type;

/** One error naming each topic Kafka refused to create and why (topics created meanwhile are fine). */
function topicsCreatedMeanwhile(error: unknown): Set<string> {
  const errors = (error as { errors?: { type?: string; message?: string; topic?: string }[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) throw asKafkaError(error);
  const failed = errors.filter((e) => !/TOPIC_ALREADY_EXISTS/.test(e.type ?? ''));
  if (failed.length > 0) {
    const reasons = failed.map((e) => `${KAFKA_DESCRIPTIONS[String(asKafkaErrorType(e))] ?? e.message ?? e.type ?? 'error'} (${e.topic ?? '?'})`);
    throw new SwitchyardError('SY_INVALID_CONFIG', `Kafka refused to create topics: ${reasons.join('; ')}.`, {
      hint: 'Check the topic settings against the cluster: replicationFactor <= brokers available, partitions and configs (e.g. retention.ms, max.message.bytes) within the broker limits.',
      cause: error,
    });
  }
  return new Set(errors.map((e) => e.topic ?? ''));
}

export class ConfluentAdmin implements AdminPort {
  readonly #parts: AdminParts;
  readonly #connect: Connector;
  #configs: ReturnType<AdminParts['configsAdmin']> | undefined;

  constructor(parts: AdminParts, connect: Connector) {
    this.#parts = parts;
    this.#connect = connect;
  }

  get #admin(): KafkaJS.Admin {
    return this.#parts.admin;
  }

  connect(): Promise<void> {
    return this.#connect(() => this.#admin.connect());
  }

  async disconnect(): Promise<void> {
    await this.#configs?.disconnect().catch(() => undefined);
    this.#configs = undefined;
    await this.#admin.disconnect();
  }

  listTopics(): Promise<string[]> {
    return kafkaCall(() => this.#admin.listTopics());
  }

  async createTopics(specs: readonly TopicSpec[]): Promise<string[]> {
    if (specs.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const fresh = specs.filter((s) => !existing.has(s.topic));
    if (fresh.length === 0) return [];
    let raced = new Set<string>();
    try {
      await this.#admin.createTopics({
        timeout: 30_000,
        topics: fresh.map((s) => ({
          topic: s.topic,
          numPartitions: s.numPartitions,
          replicationFactor: s.replicationFactor,
          configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      raced = topicsCreatedMeanwhile(error);
    }
    await this.#waitForLeaders(fresh.map((s) => s.topic));
    return fresh.map((s) => s.topic).filter((t) => !raced.has(t));
  }

  /** Leaders named in the metadata and offsets answered by them: the topics serve. */
  async #waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await this.#admin
        .fetchTopicMetadata({ topics })
        .then((m) => m.length === topics.length && m.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready && (await Promise.all(topics.map((topic) => this.#admin.fetchTopicOffsets(topic).then(() => true, () => false)))).every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`Topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async describeTopics(topics: readonly string[]): Promise<TopicDescription[]> {
    if (topics.length === 0) return [];
    const described = await withMetadataRetry(() => this.#admin.fetchTopicMetadata({ topics: [...topics] }));
    return described.map((t) => ({
      topic: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas ?? [], isr: p.isr ?? [] }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }

  async describeTopicConfigs(topics: readonly string[]): Promise<Record<string, Record<string, string>>> {
    if (topics.length === 0) return {};
    if (!this.#configs) {
      const admin = this.#parts.configsAdmin();
      await admin.connect();
      this.#configs = admin;
    }
    return this.#configs.describeTopicConfigs(topics);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) return;
    await kafkaCall(() => this.#admin.deleteTopics({ topics: [...topics], timeout: 30_000 }));
  }

  async deleteRecords(topic: string, offsets: readonly { readonly partition: number; readonly offset: string }[]): Promise<void> {
    if (offsets.length === 0) return;
    await kafkaCall(() => this.#admin.deleteTopicRecords({ topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) }));
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await withMetadataRetry(() => this.#admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }

  /** Every partition of the topics, '-1' where the group committed nothing (as kafkajs reports). */
  async groupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    if (topics.length === 0) return [];
    const committed = await kafkaCall(() => this.#admin.fetchOffsets({ groupId, topics: [...topics] }));
    const byKey = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}\u0000${p.partition}`, String(p.offset)] as const)));
    const described = await this.describeTopics(topics);
    return described.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: byKey.get(`${t.topic}\u0000${p.partition}`) ?? '-1' })),
    );
  }

  async offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]> {
    const offsets = await withMetadataRetry(() => this.#admin.fetchTopicOffsetsByTimestamp(topic, timestampMs));
    return offsets.map((o) => ({ partition: o.partition, offset: String(o.offset) })).sort((a, b) => a.partition - b.partition);
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    const { groups } = await kafkaCall(() => this.#admin.describeGroups([groupId]));
    const group = groups.find((g) => g.groupId === groupId);
    const state = typeof group?.state === 'number' ? (GROUP_STATES[group.state] ?? 'Unknown') : String(group?.state ?? 'Dead');
    return {
      groupId,
      // The binding reports a group that does not exist as Dead (librdkafka) or Unknown.
      state: state === 'Unknown' && (group?.members ?? []).length === 0 ? 'Dead' : state,
      members: (group?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost })),
    };
  }

  async setGroupOffsets(groupId: string, topic: string, offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const consumer = this.#parts.groupHandle(groupId);
    await this.#connect(() => consumer.connect());
    try {
      await kafkaCall(() => consumer.commitOffsets(offsets.map((o) => ({ topic, partition: o.partition, offset: o.offset }))));
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }

  async listGroups(): Promise<string[]> {
    const { groups } = await kafkaCall(() => this.#admin.listGroups());
    return groups.map((g) => g.groupId);
  }

  async deleteGroups(groupIds: readonly string[]): Promise<GroupDeletionRefusal[]> {
    if (groupIds.length === 0) return [];
    try {
      await this.#admin.deleteGroups([...groupIds]);
      return [];
    } catch (error) {
      // The binding rejects with every group's report; those with an error were refused.
      const reports = (error as { groups?: { groupId: string; error?: { type?: string; code?: number; message?: string } }[] }).groups;
      if (!Array.isArray(reports)) throw asKafkaError(error);
      return reports
        .filter((g) => g.error)
        .map((g) => ({ groupId: g.groupId, error: String((asKafkaError(g.error) as { type?: string }).type ?? g.error?.message ?? 'UNKNOWN') }))
        .filter((g) => g.error !== 'GROUP_ID_NOT_FOUND');
    }
  }
}
