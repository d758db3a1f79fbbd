/**
 * The narrow client interface Switchyard codes against. The port decides the semantics (fencing,
 * revocation, co-partitioning, batches); each adapter (`KAFKA_CLIENT`, see create-kafka-client.ts)
 * keeps them and is run through the same port tests on a real broker
 * (kafka-client.port.int.test.ts).
 */
import type { KafkaConnectionSettings } from './kafka.options.js';

export type HeaderValue = string | Buffer;

/** A record to produce. `key` decides the partition (see tenant-partitioner) unless `partition` is set. */
export interface OutgoingRecord {
  readonly key?: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, HeaderValue>>;
  readonly partition?: number;
  /** Milliseconds since epoch, as a string (Kafka's convention). */
  readonly timestamp?: string;
}

export interface TopicRecords {
  readonly topic: string;
  readonly records: readonly OutgoingRecord[];
}

/** Broker acknowledgement of one partition's records. */
export interface RecordAck {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: string;
}

/** A consumed record. Header values are raw bytes; absent headers are absent keys. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer>>;
  readonly timestamp: string;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (last processed + 1). */
  readonly offset: string;
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions?: readonly number[];
}

export type Acks = -1 | 0 | 1;

export interface ProducerOptions {
  /** Idempotent producer (default true): retries never duplicate or reorder records. */
  readonly idempotent?: boolean;
  /** Makes the producer transactional; needs a stable id per producing instance. */
  readonly transactionalId?: string;
  readonly transactionTimeoutMs?: number;
  /**
   * Largest estimated share of one topic in one produce request (default 900 KiB). Every send is
   * split into requests under it, so no partition's record batch exceeds the topic's
   * max.message.bytes (1 MiB by default): keep it below the smallest limit of the topics written.
   */
  readonly maxBatchBytes?: number;
}

export interface ProducerPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Sends and resolves once every record is acknowledged by all in-sync replicas. A large call
   * goes out as several requests (see `maxBatchBytes`); outside a transaction a failure may leave
   * the earlier requests written, so use a transaction when a call must be all or nothing.
   */
  send(batch: readonly TopicRecords[]): Promise<RecordAck[]>;
  /** Starts a transaction (transactional producers only). */
  transaction(): Promise<TransactionPort>;
}

export interface TransactionPort {
  /** Sends within the transaction, split into requests like `ProducerPort.send`; nothing is visible to read_committed readers before `commit`. */
  send(batch: readonly TopicRecords[]): Promise<RecordAck[]>;
  /**
   * Sends records already encoded (EncodedRecords: a bulk copy's records written straight from the
   * fetched bytes) within the transaction, keyed ones to the partition of their key's hash, like
   * `send`. An adapter without a faster path decodes them and sends them as `send` does.
   */
  sendEncoded(topic: string, records: readonly EncodedRecordList[]): Promise<void>;
  /**
   * Commits consumed offsets atomically with the records of this transaction, fenced by the
   * consumer's group generation and member id (KIP-447): a member that lost its partitions in a
   * rebalance (a zombie, e.g. a paused process that wakes up) has its commit refused and the
   * transaction fails. Take `group` from `consumer.groupMetadata()` right before the call. The
   * kafkajs adapter cannot fence (its TxnOffsetCommit carries the group id only).
   */
  sendOffsets(group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Resolves once the coordinator confirmed the commit. A commit whose answer was lost (a reset
   * connection, a moved coordinator) is asked again until answered, so a rejection means the
   * transaction did not commit, except SY_KAFKA_COMMIT_UNKNOWN (no answer for twice the
   * transaction timeout: it may have). The kafkajs adapter gives up at its first failure.
   */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Who commits, as the group coordinator knows it (Java's ConsumerGroupMetadata). Plain data: it
 * can be posted to a worker thread (an adapter may then be unable to fence, and says so).
 */
export interface ConsumerGroupMetadata {
  readonly groupId: string;
  /** The generation this member joined; -1 when not (yet) in a generation. */
  readonly generationId: number;
  /** '' when not (yet) a member. */
  readonly memberId: string;
  readonly groupInstanceId?: string;
}

/**
 * One fetched batch of one partition. Port semantics, kept by every adapter:
 * - `records` are in offset order, without transaction markers and, with `readCommitted`, without
 *   aborted records; `lastOffset` still counts the markers, so resolving up to it moves the fetch
 *   position past them;
 * - a partition at its end yields no batch (never an empty one), and `highWatermark` is the log end
 *   (last stable offset with `readCommitted`) seen by this fetch;
 * - a batch is handed over only while its partition is assigned and not paused.
 */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  /** Offset of the last entry fetched, counting transaction markers the records skip. */
  readonly lastOffset: string;
  /** Empty when the records come as `raw` instead. */
  readonly records: readonly IncomingRecord[];
  /**
   * The same records read in place from the fetched bytes, no object per record: only when the
   * consumer runs with `rawRecords` and the adapter supports it (then `records` is empty).
   */
  readonly raw?: RawRecords;
}

/**
 * Records to produce already in Kafka's record format (`EncodedRecords` in records/ builds them):
 * per record its "tail" (key, value and headers as on the wire) in `buffer`, and its key's
 * partition hash.
 */
export interface EncodedRecordList {
  readonly count: number;
  readonly buffer: Buffer;
  startOf(i: number): number;
  endOf(i: number): number;
  /** toPositive(murmur2(key)) as Kafka's Java client computes it; -1 for a null key. */
  hashOf(i: number): number;
  /** The records as OutgoingRecords, for a producer without a path for encoded records. */
  decode(): OutgoingRecord[];
}

/** A batch's records in the fetched bytes (the same records, in the same order, as `RecordBatch.records` would hold). */
export interface RawRecords {
  /** A fresh cursor before the first record. */
  cursor(): RawRecordCursor;
  /** Bytes of the records (decompressed), at least what the cursor's records take: a size hint for copies. */
  readonly byteLength: number;
  /** Records in the batches, at least as many as the cursor visits. */
  readonly count: number;
}

/**
 * One record at a time of a RawRecords, as positions in `buffer` (valid while the batch is being
 * handled). Its fields change with every `next()`.
 */
export interface RawRecordCursor {
  /** Moves to the next record; false after the last. */
  next(): boolean;
  readonly buffer: Buffer;
  /** The record's offset (raw batches are only handed out where offsets are exact as Numbers). */
  readonly offset: number;
  /** Milliseconds since epoch. */
  readonly timestamp: number;
  /** Where the key's length varint starts: key and value with their lengths are the bytes from here to the end of the value. */
  readonly keyLengthStart: number;
  readonly keyStart: number;
  /** -1: a null key. */
  readonly keyLength: number;
  readonly valueStart: number;
  /** -1: a null value. */
  readonly valueLength: number;
  /** The record's headers as on the wire, after their count: `headerCount` of (name length varint, name, value length varint, value). */
  readonly headersStart: number;
  readonly headersEnd: number;
  readonly headerCount: number;
  /** The current record as an IncomingRecord (key, value and header values are views on `buffer`). */
  toIncoming(): IncomingRecord;
}

export interface BatchControl {
  /**
   * Marks records up to `offset` as taken (only with `autoResolve: false`). Records of the batch
   * left unresolved are fetched again, e.g. after the partition is paused and resumed.
   */
  resolveOffset(offset: string): void;
  /** Keeps group membership alive during long batches. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or lost the partition. */
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly maxBytesPerPartition?: number;
  /**
   * The most one fetch answer holds over all its partitions (Kafka's `fetch.max.bytes`; default
   * 50 MiB). A smaller cap means shorter fetch rounds: less data parsed in one go, so a record of
   * an urgent partition (see `ConsumerRunOptions.fetchRank`) waits less for the round before it.
   */
  readonly maxBytes?: number;
  /** Longest time the broker holds a fetch open when no data is there (default 5000). */
  readonly maxWaitTimeMs?: number;
  /**
   * Bytes the broker waits for (up to maxWaitTimeMs) before answering a fetch (default 1: answer
   * at once). Raising it trades a little latency for far fewer fetches under a steady trickle.
   */
  readonly minBytes?: number;
  /**
   * Give partition N of every subscribed topic to the same member (default false: the client's
   * default assignment). Every adapter does it with range assignment, which splits each topic's
   * partitions over the members sorted by id in the same way when topics have equal partition
   * counts (as a queue's lanes and delay tiers do), so a key's lane and retry records meet in one
   * process and ordered retries hold across workers.
   */
  readonly coPartitioned?: boolean;
  /** Read only committed records of transactional producers (default true). */
  readonly readCommitted?: boolean;
}

export interface ConsumerRunOptions {
  readonly eachBatch: (batch: RecordBatch, control: BatchControl) => Promise<void>;
  /** How many partitions are processed at once (default 1). */
  readonly partitionsConsumedConcurrently?: number;
  /** Resolve every record of a batch when eachBatch returns (default true). */
  readonly autoResolve?: boolean;
  /** Batches carry `raw` (read in place) instead of `records` where the adapter can (@platformatic/kafka); a bulk copy (replay) uses it. */
  readonly rawRecords?: boolean;
  /**
   * The order of partitions in each fetch: lower rank first, equal ranks taking turns from round to
   * round. The broker fills a capped answer (`ConsumerOptions.maxBytes`) in that order, so a
   * worker's critical lane is read before its backlog. @platformatic/kafka only: kafkajs builds its
   * own fetches and ignores it.
   */
  readonly fetchRank?: (topic: string) => number;
}

export interface GroupAssignment {
  readonly memberId: string;
  readonly assignment: Readonly<Record<string, readonly number[]>>;
}

export interface ConsumerPort {
  readonly groupId: string;
  /** The current generation and member id, for `TransactionPort.sendOffsets` (KIP-447 fencing). */
  groupMetadata(): ConsumerGroupMetadata;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(topics: readonly string[] | RegExp, options?: { fromBeginning?: boolean }): Promise<void>;
  /** Starts fetching; offsets are committed only through `commit` (no auto-commit). */
  run(options: ConsumerRunOptions): Promise<void>;
  stop(): Promise<void>;
  pause(partitions: readonly TopicPartitions[]): void;
  resume(partitions: readonly TopicPartitions[]): void;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  seek(target: TopicPartitionOffset): void;
  onGroupJoin(listener: (assignment: GroupAssignment) => void): () => void;
  onCrash(listener: (error: Error, restart: boolean) => void): () => void;
  /** Called when the group starts rebalancing (before partitions are reassigned). */
  onRebalancing(listener: () => void): () => void;
  /**
   * Called with the partitions this member gives up (or lost), before they are assigned elsewhere:
   * the adapter waits for the returned promise (bounded by the rebalance timeout) before it lets
   * the rebalance go on, so outcomes of those partitions can be committed first. With `lost: true`
   * the partitions were already taken (session timeout): commits for them will be fenced, so drop
   * their uncommitted work instead. kafkajs has no such hook: its adapter calls the listener when
   * the group starts rebalancing, without waiting, and says so.
   */
  onPartitionsRevoked(listener: (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void): () => void;
  /** Partitions currently paused. */
  paused(): TopicPartitions[];
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly topic: string;
  readonly partitions: readonly PartitionDescription[];
}

export interface PartitionOffsets {
  readonly partition: number;
  /** First available offset. */
  readonly low: string;
  /** Next offset to be written (log end). */
  readonly high: string;
}

/** A member of a consumer group, as the group coordinator describes it. */
export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
}

/** A consumer group's state (`Empty`, `Stable`, `PreparingRebalance`, `Dead`, ...) and members. */
export interface GroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly members: readonly GroupMember[];
}

/** One partition's offset (no topic: the call names it). */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

export interface AdminPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Creates topics and waits for their leaders. Resolves the names actually created. */
  createTopics(specs: readonly TopicSpec[]): Promise<string[]>;
  describeTopics(topics: readonly string[]): Promise<TopicDescription[]>;
  /** Explicitly set (non-default) configs of each topic, plus the ones asked for in `keys`. */
  describeTopicConfigs(topics: readonly string[]): Promise<Record<string, Record<string, string>>>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Deletes the records of `topic` below each given offset (DeleteRecords: moves the log start). */
  deleteRecords(topic: string, offsets: readonly { readonly partition: number; readonly offset: string }[]): Promise<void>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  groupOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]>;
  /**
   * Per partition, the first offset whose record timestamp is >= `timestampMs`, or the log end
   * offset when no record is that recent (Kafka's ListOffsets by timestamp).
   */
  offsetsForTimes(topic: string, timestampMs: number): Promise<PartitionOffset[]>;
  /** State and members of a consumer group (state `Dead` and no members when it does not exist). */
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** Commits `offsets` of `topic` for `groupId`; refused by Kafka while the group has running members. */
  setGroupOffsets(groupId: string, topic: string, offsets: readonly PartitionOffset[]): Promise<void>;
  /** Ids of every consumer group the cluster knows (any state). */
  listGroups(): Promise<string[]>;
  /**
   * Deletes consumer groups and their committed offsets. A group that does not exist counts as
   * deleted. Resolves the groups Kafka refused, each with the broker's error type
   * (`NON_EMPTY_GROUP` while members remain); empty when all are gone. With kafkajs, call it on an
   * admin that has not touched a topic deleted since (DeleteGroups first refreshes the metadata of
   * those topics and fails on a missing one): a fresh `client.admin()` is safe.
   */
  deleteGroups(groupIds: readonly string[]): Promise<GroupDeletionRefusal[]>;
}

/** A group `deleteGroups` could not delete, and the broker's reason. */
export interface GroupDeletionRefusal {
  readonly groupId: string;
  readonly error: string;
}

/** Factory of producers, consumers and admins on one cluster. */
export interface KafkaClient {
  readonly clientId: string;
  /**
   * The settings the client was made from (plain data, can be posted to a worker thread, which
   * opens its own client on the same cluster with them). Absent when not made from settings.
   */
  readonly settings?: KafkaConnectionSettings;
  producer(options?: ProducerOptions): ProducerPort;
  consumer(options: ConsumerOptions): ConsumerPort;
  admin(): AdminPort;
}
