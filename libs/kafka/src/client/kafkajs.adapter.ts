/* eslint-disable max-lines -- the kafkajs adapter, kept only as the benchmarks' baseline (docs/kafka-client.md), stays one file beside the platformatic adapter's split one */
import { SwitchyardError } from '@switchyard/protocol';
// kafkajs is CommonJS; Node's ESM loader only sees its default export.
import kafkajs from 'kafkajs';
import type {
  Admin,
  Consumer,
  IHeaders,
  KafkaConfig,
  Message,
  Producer,
  ProducerBatch,
  RecordMetadata,
  SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import { createLogger, kafkajsLogCreator } from '../logging/logger.js';
import { createTenantPartitioner } from '../partitioner/tenant-partitioner.js';
import { CoPartitionedAssigner } from './co-partitioned.assigner.js';
import { DEFAULT_PRODUCE_CAPS, splitProduceBatch, type ProduceCaps } from './produce-splitter.js';
import type { KafkaConnectionSettings } from './kafka.options.js';
import {
  checkedConnector,
  type Connector,
  authenticationFailedError,
  connectionSecurityWarnings,
  isRefusedClientCertificateCode,
  isUntrustedCertificateCode,
  refusedClientCertificateError,
  tlsAlertReason,
  untrustedCertificateError,
} from './connection-security.js';
import type {
  AdminPort,
  ConsumerOptions,
  ConsumerPort,
  GroupAssignment,
  IncomingRecord,
  KafkaClient,
  ProducerOptions,
  ProducerPort,
  RecordAck,
  TopicPartitions,
  TopicRecords,
  TransactionPort,
} from './kafka-client.port.js';

const { ConfigResourceTypes, Kafka } = kafkajs;

function toKafkajsConfig(settings: KafkaConnectionSettings, logger: Logger): KafkaConfig {
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    logCreator: kafkajsLogCreator(logger),
    ...(settings.ssl ? { ssl: { ...settings.ssl } } : {}),
    ...(settings.sasl ? { sasl: { ...settings.sasl } as SASLOptions } : {}),
  };
}


/**
 * kafkajs wraps what failed (KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded); the
 * refusal itself is down the cause chain: a SASL authentication error, or a connection error
 * carrying Node's TLS verification code.
 */
function kafkajsConnectError(error: unknown, settings: KafkaConnectionSettings): unknown {
  for (let e = error as { name?: string; message?: string; code?: unknown; broker?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return authenticationFailedError(settings, e.message ?? 'authentication failed', error);
    if (e.name === 'KafkaJSConnectionError' && isUntrustedCertificateCode(e.code)) {
      return untrustedCertificateError(e.broker ?? settings.brokers.join(','), `${e.message ?? ''} (${String(e.code)})`, settings, error);
    }
    if (e.name === 'KafkaJSConnectionError' && isRefusedClientCertificateCode(e.code)) {
      return refusedClientCertificateError(e.broker ?? settings.brokers.join(','), tlsAlertReason(e.code as string), settings, error);
    }
  }
  return error;
}

/**
 * Connects with the broker's certificate checked first (once per client, by one handshake of our
 * own: kafkajs retries a refused certificate like any connection error, for about 10 s), and maps
 * an untrusted broker certificate to SY_KAFKA_TLS_UNTRUSTED, a refused SASL login or client
 * certificate to SY_KAFKA_AUTH_FAILED.
 */
function kafkajsConnector(settings: KafkaConnectionSettings): Connector {
  return checkedConnector(settings, (error) => kafkajsConnectError(error, settings));
}

function toMessages(records: TopicRecords['records']): Message[] {
  return records.map((r) => ({
    key: r.key ?? null,
    value: r.value,
    ...(r.headers ? { headers: { ...r.headers } } : {}),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.timestamp !== undefined ? { timestamp: r.timestamp } : {}),
  }));
}

function toAcks(metadata: RecordMetadata[]): RecordAck[] {
  return metadata.map((m) => ({ topic: m.topicName, partition: m.partition, baseOffset: m.baseOffset ?? m.offset ?? '-1' }));
}

function toHeaders(headers: IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    // kafkajs folds repeated header names into an array; the first one wins for us.
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return out;
}

/** Sends a call as the requests splitProduceBatch makes of it, one after the other, and gathers their acks. */
async function sendSplit(sendBatch: (batch: ProducerBatch) => Promise<RecordMetadata[]>, batch: readonly TopicRecords[], caps: ProduceCaps): Promise<RecordAck[]> {
  const acks: RecordAck[] = [];
  for (const request of splitProduceBatch(batch, caps)) acks.push(...toAcks(await sendBatch(toProducerBatch(request))));
  return acks;
}

/**
 * A failed send leaves kafkajs' sequence numbers wrong: it takes back the sequences of every
 * partition of a refused request, also of those the broker wrote, so the next batch to them meets
 * OUT_OF_ORDER_SEQUENCE_NUMBER. The Java client bumps the producer epoch after an aborted
 * transaction; kafkajs cannot, so a producer whose send (or commit) failed is replaced before its
 * next send or transaction: a new InitProducerId (with the same transactional id, if any) gives a
 * new producer id or epoch and fresh sequences. A replaced producer is disconnected once the sends
 * still running on it are done.
 */
class KafkajsProducer implements ProducerPort {
  readonly #create: () => Producer;
  #producer: Producer;
  #stale = false;
  #renewing: Promise<void> | undefined;
  /** Sends running per underlying producer (a replaced one closes when its count drops to 0). */
  readonly #sending = new Map<Producer, number>();
  readonly #caps: ProduceCaps;
  readonly #connect: Connector;
  constructor(create: () => Producer, caps: ProduceCaps, connect: Connector) {
    this.#create = create;
    this.#producer = create();
    this.#caps = caps;
    this.#connect = connect;
  }
  connect() {
    return this.#connect(() => this.#producer.connect());
  }
  disconnect() {
    return this.#producer.disconnect();
  }
  async send(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    if (this.#stale) await this.#renew();
    const producer = this.#producer;
    this.#sending.set(producer, (this.#sending.get(producer) ?? 0) + 1);
    try {
      return await sendSplit((request) => producer.sendBatch(request), batch, this.#caps);
    } catch (error) {
      if (producer === this.#producer) this.#stale = true;
      throw error;
    } finally {
      const left = this.#sending.get(producer)! - 1;
      if (left > 0) this.#sending.set(producer, left);
      else {
        this.#sending.delete(producer);
        if (producer !== this.#producer) await producer.disconnect().catch(() => undefined);
      }
    }
  }
  async transaction(): Promise<TransactionPort> {
    if (this.#stale) await this.#renew();
    const tx = await this.#producer.transaction();
    const marking = <T>(operation: Promise<T>): Promise<T> =>
      operation.catch((error: unknown) => {
        this.#stale = true;
        throw error;
      });
    return {
      send: (batch) => marking(sendSplit((request) => tx.sendBatch(request), batch, this.#caps)),
      // No faster path: kafkajs encodes the decoded records itself.
      sendEncoded: async (topic, list) => void (await marking(sendSplit((request) => tx.sendBatch(request), [{ topic, records: list.flatMap((e) => e.decode()) }], this.#caps))),
      // Not fenced: kafkajs' TxnOffsetCommit carries the group id only, never generation and member.
      sendOffsets: (group, offsets) =>
        retryConcurrentTransactions(() =>
          tx.sendOffsets({
            consumerGroupId: group.groupId,
            topics: groupBy(offsets, (o) => o.topic).map(([topic, list]) => ({
              topic,
              partitions: list.map((o) => ({ partition: o.partition, offset: o.offset })),
            })),
          }),
        ),
      commit: () => marking(tx.commit()),
      abort: () => tx.abort(),
    };
  }
  /** Replaces the producer (once, however many callers wait for it). */
  #renew(): Promise<void> {
    this.#renewing ??= (async () => {
      const fresh = this.#create();
      await this.#connect(() => fresh.connect());
      const stale = this.#producer;
      this.#producer = fresh;
      this.#stale = false;
      if (!this.#sending.has(stale)) await stale.disconnect().catch(() => undefined);
    })().finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }
}

/**
 * kafkajs reports per-topic failures of CreateTopics as one aggregate error ("Topic creation
 * errors"). Topics another process created meanwhile are fine (returned, so they do not count as
 * created here); anything else becomes one error naming each topic and the broker's reason.
 */
function topicsCreatedMeanwhile(error: unknown): Set<string> {
  const errors = (error as { errors?: { type?: string; message?: string; topic?: string }[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) throw error;
  const raced = errors.filter((e) => e.type === 'TOPIC_ALREADY_EXISTS');
  const failed = errors.filter((e) => e.type !== 'TOPIC_ALREADY_EXISTS');
  if (failed.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const e of failed) byReason.set(e.message ?? e.type ?? 'error', [...(byReason.get(e.message ?? e.type ?? 'error') ?? []), e.topic ?? '?']);
    const reasons = [...byReason].map(([reason, topics]) => `${reason} (${topics.join(', ')})`);
    throw new SwitchyardError('SY_INVALID_CONFIG', `Kafka refused to create topics: ${reasons.join('; ')}.`, {
      hint: 'Check the topic settings against the cluster: replicationFactor <= brokers available, partitions and configs (e.g. retention.ms, max.message.bytes) within the broker limits.',
      cause: error,
    });
  }
  return new Set(raced.map((e) => e.topic ?? ''));
}

/**
 * kafkajs sends AddOffsetsToTxn outside its retrier, so a transaction started right after the
 * previous commit meets CONCURRENT_TRANSACTIONS while the coordinator completes that commit.
 * The Java client retries it with a short backoff; so do we (about 2 s at most).
 */
async function retryConcurrentTransactions<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if ((error as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS' || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 100)));
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return [...map.entries()];
}

/** Every send waits for all in-sync replicas (acks=all): nothing acknowledged is lost. */
function toProducerBatch(batch: readonly TopicRecords[]): ProducerBatch {
  return { acks: -1, topicMessages: batch.map((b) => ({ topic: b.topic, messages: toMessages(b.records) })) };
}

function toKafkajsPartitions(partitions: readonly TopicPartitions[]) {
  return partitions.map((p) => ({ topic: p.topic, ...(p.partitions ? { partitions: [...p.partitions] } : {}) }));
}

class KafkajsConsumer implements ConsumerPort {
  readonly groupId: string;
  readonly #consumer: Consumer;
  readonly #connect: Connector;
  #memberId = '';
  #assigned: TopicPartitions[] = [];
  constructor(groupId: string, consumer: Consumer, connect: Connector) {
    this.groupId = groupId;
    this.#consumer = consumer;
    this.#connect = connect;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#memberId = event.payload.memberId;
      this.#assigned = Object.entries(event.payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
    });
  }
  /** kafkajs keeps the generation to itself: -1 here (its commits are not fenced anyway). */
  groupMetadata() {
    return { groupId: this.groupId, generationId: -1, memberId: this.#memberId };
  }
  connect() {
    return this.#connect(() => this.#consumer.connect());
  }
  disconnect() {
    return this.#consumer.disconnect();
  }
  subscribe(topics: readonly string[] | RegExp, options: { fromBeginning?: boolean } = {}) {
    return this.#consumer.subscribe({ topics: topics instanceof RegExp ? [topics] : [...topics], fromBeginning: options.fromBeginning ?? false });
  }
  run(options: Parameters<ConsumerPort['run']>[0]) {
    return this.#consumer.run({
      autoCommit: false,
      // By default records handed to eachBatch count as fetched once it returns; commits stay explicit.
      eachBatchAutoResolve: options.autoResolve ?? true,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const records: IncomingRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ?? null,
          value: m.value ?? null,
          headers: toHeaders(m.headers),
          timestamp: m.timestamp,
        }));
        await options.eachBatch(
          { topic: batch.topic, partition: batch.partition, highWatermark: batch.highWatermark, lastOffset: batch.lastOffset(), records },
          { heartbeat, isRunning, isStale, resolveOffset },
        );
      },
    });
  }
  stop() {
    return this.#consumer.stop();
  }
  pause(partitions: Parameters<ConsumerPort['pause']>[0]) {
    this.#consumer.pause(toKafkajsPartitions(partitions));
  }
  resume(partitions: Parameters<ConsumerPort['resume']>[0]) {
    this.#consumer.resume(toKafkajsPartitions(partitions));
  }
  commit(offsets: Parameters<ConsumerPort['commit']>[0]) {
    return this.#consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
  }
  seek(target: Parameters<ConsumerPort['seek']>[0]) {
    this.#consumer.seek({ topic: target.topic, partition: target.partition, offset: target.offset });
  }
  onGroupJoin(listener: (assignment: GroupAssignment) => void) {
    return this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) =>
      listener({ memberId: event.payload.memberId, assignment: event.payload.memberAssignment }),
    );
  }
  onCrash(listener: (error: Error, restart: boolean) => void) {
    return this.#consumer.on(this.#consumer.events.CRASH, (event) => listener(event.payload.error, event.payload.restart));
  }
  onRebalancing(listener: () => void) {
    return this.#consumer.on(this.#consumer.events.REBALANCING, () => listener());
  }
  /** kafkajs has no revoke callback: called when rebalancing starts, with the last assignment, not awaited. */
  onPartitionsRevoked(listener: (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void) {
    return this.#consumer.on(this.#consumer.events.REBALANCING, () => {
      const revoked = this.#assigned;
      if (revoked.length > 0) void Promise.resolve(listener(revoked, false)).catch(() => undefined);
    });
  }
  paused() {
    return this.#consumer.paused();
  }
}

/**
 * Metadata of a topic created a moment ago can lag on the broker (KRaft applies it
 * asynchronously): retry errors kafkajs marks retriable a few times before giving up.
 */
async function withMetadataRetry<T>(operation: () => Promise<T>, attempts = 10, delayMs = 200): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

class KafkajsAdmin implements AdminPort {
  readonly #admin: Admin;
  readonly #connect: Connector;
  constructor(admin: Admin, connect: Connector) {
    this.#admin = admin;
    this.#connect = connect;
  }
  connect() {
    return this.#connect(() => this.#admin.connect());
  }
  disconnect() {
    return this.#admin.disconnect();
  }
  listTopics() {
    return this.#admin.listTopics();
  }
  async createTopics(specs: Parameters<AdminPort['createTopics']>[0]): Promise<string[]> {
    if (specs.length === 0) return [];
    const existing = new Set(await this.#admin.listTopics());
    const fresh = specs.filter((s) => !existing.has(s.topic));
    if (fresh.length === 0) return [];
    // kafkajs' own waitForLeaders gives up when the broker's metadata cache (updated asynchronously
    // under KRaft) does not know the topic yet; wait for leaders ourselves instead.
    let raced = new Set<string>();
    try {
      await this.#admin.createTopics({
        waitForLeaders: false,
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
  async #waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = await this.#admin
        .fetchTopicMetadata({ topics })
        .then((m) => m.topics.length === topics.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        .catch((error: { retriable?: boolean }) => {
          if (error.retriable !== true) throw error;
          return false;
        });
      // Metadata can name a leader a moment before the leader serves the partition: ask for offsets too.
      if (ready && (await Promise.all(topics.map((topic) => this.#admin.fetchTopicOffsets(topic).then(() => true, () => false)))).every(Boolean)) return;
      if (Date.now() > deadline) throw new Error(`Topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  async describeTopics(topics: readonly string[]) {
    const { topics: described } = await withMetadataRetry(() => this.#admin.fetchTopicMetadata({ topics: [...topics] }));
    return described.map((t) => ({
      topic: t.name,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
    }));
  }
  async describeTopicConfigs(topics: readonly string[]) {
    if (topics.length === 0) return {};
    const { resources } = await withMetadataRetry(() =>
      this.#admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      }),
    );
    const out: Record<string, Record<string, string>> = {};
    for (const resource of resources) {
      out[resource.resourceName] = Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]));
    }
    return out;
  }
  deleteTopics(topics: readonly string[]) {
    return this.#admin.deleteTopics({ topics: [...topics] });
  }
  deleteRecords(topic: string, offsets: readonly { partition: number; offset: string }[]) {
    return this.#admin.deleteTopicRecords({ topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) });
  }
  async topicOffsets(topic: string) {
    const offsets = await withMetadataRetry(() => this.#admin.fetchTopicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }
  async groupOffsets(groupId: string, topics: readonly string[]) {
    const result = await this.#admin.fetchOffsets({ groupId, topics: [...topics] });
    return result.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })));
  }
  async offsetsForTimes(topic: string, timestampMs: number) {
    const offsets = await withMetadataRetry(() => this.#admin.fetchTopicOffsetsByTimestamp(topic, timestampMs));
    return offsets.map((o) => ({ partition: o.partition, offset: o.offset })).sort((a, b) => a.partition - b.partition);
  }
  async describeGroup(groupId: string) {
    const { groups } = await this.#admin.describeGroups([groupId]);
    const group = groups.find((g) => g.groupId === groupId);
    return {
      groupId,
      state: group?.state ?? 'Dead',
      members: (group?.members ?? []).map((m) => ({ memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost })),
    };
  }
  async setGroupOffsets(groupId: string, topic: string, offsets: Parameters<AdminPort['setGroupOffsets']>[2]) {
    if (offsets.length === 0) return;
    await this.#admin.setOffsets({ groupId, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) });
  }
  async listGroups() {
    return (await this.#admin.listGroups()).groups.map((g) => g.groupId);
  }
  async deleteGroups(groupIds: readonly string[]) {
    if (groupIds.length === 0) return [];
    try {
      await this.#admin.deleteGroups([...groupIds]);
      return [];
    } catch (error) {
      // kafkajs rejects with every group the broker refused, each with its protocol error.
      const refused = (error as { groups?: { groupId: string; error?: { type?: string; message?: string } }[] }).groups;
      if (!Array.isArray(refused)) throw error;
      return refused
        .map((g) => ({ groupId: g.groupId, error: g.error?.type ?? g.error?.message ?? 'UNKNOWN' }))
        .filter((g) => g.error !== 'GROUP_ID_NOT_FOUND');
    }
  }
}

/**
 * A {@link KafkaClient} backed by kafkajs. Producers place keys with the Java-compatible tenant
 * partitioner. Logs a warning for SASL PLAIN without TLS and for TLS without certificate checks;
 * `connect()` fails at once with SY_KAFKA_AUTH_FAILED or SY_KAFKA_TLS_UNTRUSTED when the broker
 * refuses the credentials or the client does not trust the broker's certificate.
 */
export function createKafkajsClient(settings: KafkaConnectionSettings, logger: Logger = createLogger('kafka')): KafkaClient {
  for (const warning of connectionSecurityWarnings(settings)) logger.warn({ clientId: settings.clientId, brokers: settings.brokers }, warning);
  const kafka = new Kafka(toKafkajsConfig(settings, logger));
  const connect = kafkajsConnector(settings);
  return {
    clientId: settings.clientId,
    settings,
    producer: (options: ProducerOptions = {}) =>
      new KafkajsProducer(
        () => kafka.producer({
          createPartitioner: createTenantPartitioner,
          idempotent: options.idempotent ?? true,
          // kafkajs keeps sequence numbers safe only with one request in flight per broker.
          ...((options.idempotent ?? true) || options.transactionalId ? { maxInFlightRequests: 1 } : {}),
          // Back-to-back transactions meet CONCURRENT_TRANSACTIONS while the broker finishes the
          // previous one; kafkajs' default first backoff (300 ms) would stall every such flush.
          ...(options.transactionalId
            ? { transactionalId: options.transactionalId, retry: { initialRetryTime: 5, maxRetryTime: 1_000, retries: Number.MAX_SAFE_INTEGER } }
            : {}),
          ...(options.transactionTimeoutMs ? { transactionTimeout: options.transactionTimeoutMs } : {}),
        }),
        options.maxBatchBytes ? { ...DEFAULT_PRODUCE_CAPS, maxTopicBytes: options.maxBatchBytes } : DEFAULT_PRODUCE_CAPS,
        connect,
      ),
    consumer: (options: ConsumerOptions) =>
      new KafkajsConsumer(
        options.groupId,
        kafka.consumer({
          groupId: options.groupId,
          readUncommitted: !(options.readCommitted ?? true),
          ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
          ...(options.rebalanceTimeoutMs ? { rebalanceTimeout: options.rebalanceTimeoutMs } : {}),
          ...(options.heartbeatIntervalMs ? { heartbeatInterval: options.heartbeatIntervalMs } : {}),
          ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
          ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
          ...(options.maxWaitTimeMs ? { maxWaitTimeInMs: options.maxWaitTimeMs } : {}),
          ...(options.minBytes ? { minBytes: options.minBytes } : {}),
          ...(options.coPartitioned ? { partitionAssigners: [CoPartitionedAssigner] } : {}),
        }),
        connect,
      ),
    admin: () => new KafkajsAdmin(kafka.admin(), connect),
  };
}
