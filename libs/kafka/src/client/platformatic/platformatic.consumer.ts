import { Base, Consumer, kGetApi, kGetConnection, type Connection } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import type {
  BatchControl,
  ConsumerGroupMetadata,
  ConsumerOptions,
  ConsumerPort,
  ConsumerRunOptions,
  GroupAssignment,
  TopicPartitionOffset,
  TopicPartitions,
} from '../kafka-client.port.js';
import { platformaticBaseOptions } from './platformatic.config.js';
import { guardConnections, withDeadline, withErrorType, type Connector } from './platformatic.errors.js';
import { FetchLoop, type Assigned } from './fetch-loop.js';
import { rangeAssigner } from './range.assigner.js';
import { ConsumerProtocolMembership } from './consumer-protocol.membership.js';

type RevokeListener = (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void;
type ApiGetter = (name: string, callback: (error: Error | null, api?: unknown) => void) => void;

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;
/** Pause between failed joins. */
const JOIN_RETRY_MS = 1_000;

function byTopic(partitions: Iterable<Assigned>): TopicPartitions[] {
  const map = new Map<string, number[]>();
  for (const { topic, partition } of partitions) map.set(topic, [...(map.get(topic) ?? []), partition]);
  return [...map].map(([topic, list]) => ({ topic, partitions: list.sort((a, b) => a - b) }));
}

/**
 * A consumer on @platformatic/kafka's group membership (JoinGroup/SyncGroup/Heartbeat, the
 * library's) with our own fetch loop (fetch-loop.ts), so the port's per-partition pause, seek and
 * batch semantics hold. Three things the library lacks are built here:
 * - range assignment (`coPartitioned`), see range.assigner.ts;
 * - an awaited revoke: the library rejoins on its own when a heartbeat meets a rebalance. Its
 *   JoinGroup request is held back (by wrapping the consumer's `kGetApi`, the base client's
 *   exported API lookup) until the batches in flight are done and the revoke listeners resolved,
 *   bounded by the rebalance timeout. The library's eager protocol revokes the whole assignment.
 * - a group client that outlives its coordinator: the library looks the group coordinator up once
 *   per client, and after a heartbeat that fails for another reason than a rebalance (the
 *   coordinator's broker died) it stops heartbeating for good, as it does after a failed rejoin.
 *   Then, and after any failed join, a new library consumer takes over as the same member (member
 *   id and generation carried over, so the group keeps it while its session lasts) and rejoins;
 *   the old one is closed without leaving the group.
 */
export class PlatformaticConsumer implements ConsumerPort {
  readonly groupId: string;
  readonly #settings: KafkaConnectionSettings;
  #consumer: Consumer;
  readonly #options: ConsumerOptions;
  readonly #connect: Connector;
  readonly #listTopics: () => Promise<string[]>;
  readonly #log: Logger;
  readonly #joinListeners = new Set<(assignment: GroupAssignment) => void>();
  readonly #crashListeners = new Set<(error: Error, restart: boolean) => void>();
  readonly #rebalanceListeners = new Set<() => void>();
  readonly #revokeListeners = new Set<RevokeListener>();
  #subscription: { topics: readonly string[] | RegExp; fromBeginning: boolean } = { topics: [], fromBeginning: false };
  #loop: FetchLoop | undefined;
  #assigned = new Map<string, Assigned>();
  #rebalanceTimeoutMs: number;
  #joining = false;
  /** The join loop under way (the first join, or a rejoin on a new library consumer). */
  #rejoining: Promise<void> | undefined;
  /**
   * Set under the KIP-848 consumer protocol (`KAFKA_GROUP_PROTOCOL=consumer`), one per library
   * consumer (consumer-protocol.membership.ts).
   */
  #membership: ConsumerProtocolMembership | undefined;

  constructor(settings: KafkaConnectionSettings, options: ConsumerOptions, connect: Connector, listTopics: () => Promise<string[]>, log: Logger) {
    this.groupId = options.groupId;
    this.#options = options;
    this.#connect = connect;
    this.#listTopics = listTopics;
    this.#log = log;
    this.#rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000;
    this.#settings = settings;
    this.#consumer = this.#create();
  }

  /** A library consumer of the group, wired to this one; `previous` hands over its membership and topics. */
  #create(previous?: Consumer): Consumer {
    const options = this.#options;
    const timeouts = { sessionTimeout: options.sessionTimeoutMs ?? 30_000, heartbeatInterval: options.heartbeatIntervalMs ?? 3_000 };
    const consumer = guardConnections(
      new Consumer({
        ...platformaticBaseOptions(this.#settings),
        groupId: options.groupId,
        autocommit: false,
        rebalanceTimeout: this.#rebalanceTimeoutMs,
        // Under KIP-848 these two are the broker's (group.consumer.*) and unused, but the library still checks rebalanceTimeout >= sessionTimeout.
        ...timeouts,
        isolationLevel: (options.readCommitted ?? true) ? 1 : 0,
        maxWaitTime: options.maxWaitTimeMs ?? 5_000,
        minBytes: options.minBytes ?? 1,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
        // Under KIP-848 the assignor runs on the broker (range for co-partitioning, else its default).
        ...(this.#settings.groupProtocol === 'consumer'
          ? { groupProtocol: 'consumer' as const, ...(options.coPartitioned ? { groupRemoteAssignor: 'range' } : {}) }
          : options.coPartitioned
            ? { protocols: [{ name: 'range', version: 0 }], partitionAssigner: rangeAssigner }
            : {}),
      }),
    );
    if (previous) {
      consumer.memberId = previous.memberId;
      consumer.generationId = previous.generationId;
      consumer.topics.trackAll(...previous.topics.current);
    }
    const current = () => consumer === this.#consumer;
    this.#refuseRejoinOnCommit(consumer);
    consumer.on('consumer:group:join', () => {
      if (current()) this.#afterLibraryJoin();
    });
    // The library reports a failed rejoin as an 'error' event (an EventEmitter throws without a
    // listener, so a replaced consumer keeps this one). It then neither heartbeats nor rejoins.
    consumer.on('error', (error: Error) => {
      if (!current()) return;
      this.#log.error({ err: error, groupId: this.groupId }, 'consumer group error');
      for (const listener of this.#crashListeners) listener(error, true);
      this.#recover(error, 'rejoining the group failed');
    });
    consumer.on('consumer:heartbeat:error', (event: { error?: Error }) => {
      if (current()) this.#recover(event.error, 'a heartbeat failed (the group coordinator may be lost); the library stopped heartbeating');
    });
    const getApi = (consumer[kGetApi] as ApiGetter).bind(consumer);
    (consumer as unknown as Record<symbol, ApiGetter>)[kGetApi] = (name, callback) => {
      if (name !== 'JoinGroup' || !current()) return getApi(name, callback);
      void this.#beforeJoin().finally(() => getApi(name, callback));
    };
    if (this.#settings.groupProtocol === 'consumer') {
      // A replaced library consumer starts a new membership: under KIP-848 it rejoins as a new member.
      const host = { revokeAll: (lost: boolean) => this.#handOver(lost), assign: (partitions: readonly Assigned[]) => this.#onJoined(partitions) };
      this.#membership = new ConsumerProtocolMembership(consumer, host, this.#log, this.#rebalanceTimeoutMs);
    }
    return consumer;
  }

  /** The longest a fetch, an offset lookup or a commit may take: one connection and one request. */
  #callDeadlineMs(): number {
    return this.#settings.connectionTimeoutMs + this.#settings.requestTimeoutMs;
  }

  /** The current library consumer is replaced by a new one of the same member; the old one is closed without leaving. */
  #renew(): void {
    const old = this.#consumer;
    this.#consumer = this.#create(old);
    // Base#close: the connections only. Consumer#close would leave the group as the member the new consumer carries on.
    void (Base.prototype.close.call(old) as unknown as Promise<void>).catch((error: unknown) => this.#log.debug({ err: error }, 'closing a replaced group client failed'));
  }

  /** After the library gave up on the group: a new library consumer rejoins as the same member. */
  #recover(error: unknown, reason: string): void {
    const loop = this.#loop;
    if (!loop || this.#rejoining) return;
    this.#log.warn({ err: error, groupId: this.groupId }, `${reason}: a new group client rejoins as the same member`);
    this.#renew();
    this.#startJoin(loop);
  }

  /**
   * The library's commit answers a generation error by rejoining and committing again with the new
   * generation, which would let a member commit for partitions it lost. Its public joinGroup is
   * only ours to call (rejoins after a heartbeat use the library's private path), so a call from
   * anywhere else (the commit) fails the commit instead.
   */
  #refuseRejoinOnCommit(consumer: Consumer): void {
    const joinGroup = consumer.joinGroup.bind(consumer) as (options: object, callback?: (error?: Error | null) => void) => unknown;
    (consumer as unknown as { joinGroup: typeof joinGroup }).joinGroup = (options, callback) => {
      if (this.#joining) return joinGroup(options, callback);
      const refused = Object.assign(new Error(`Consumer group ${this.groupId} rebalanced since this member joined: its offset commit is refused (the partitions' new owner commits).`), {
        type: 'REBALANCE_IN_PROGRESS',
      });
      if (callback) return void callback(refused);
      return Promise.reject(refused);
    };
  }

  groupMetadata(): ConsumerGroupMetadata {
    const generationId = this.#membership ? this.#membership.memberEpoch : this.#consumer.generationId;
    return { groupId: this.groupId, generationId: this.#consumer.memberId ? generationId : -1, memberId: this.#consumer.memberId ?? '' };
  }

  async connect(): Promise<void> {
    await this.#connect(() => this.#consumer.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    await this.stop();
    await (this.#consumer.close(true) as unknown as Promise<void>).catch((error: unknown) => {
      // The group could not be left (its coordinator is gone): the member expires after its session timeout.
      this.#log.warn({ err: error, groupId: this.groupId }, 'closing the consumer failed; its connections are closed without leaving the group');
      return Base.prototype.close.call(this.#consumer) as unknown as Promise<void>;
    });
  }

  async subscribe(topics: readonly string[] | RegExp, options: { fromBeginning?: boolean } = {}): Promise<void> {
    this.#subscription = { topics, fromBeginning: options.fromBeginning ?? false };
  }

  async run(options: ConsumerRunOptions): Promise<void> {
    if (this.#loop) throw new Error(`consumer of group ${this.groupId} is already running`);
    const { topics } = this.#subscription;
    const names = topics instanceof RegExp ? (await this.#listTopics()).filter((t) => topics.test(t)) : [...topics];
    this.#consumer.topics.trackAll(...names);
    this.#loop = new FetchLoop(() => this.#consumer, {
      run: options,
      readCommitted: this.#options.readCommitted ?? true,
      fromBeginning: this.#subscription.fromBeginning,
      maxBytesPerPartition: this.#options.maxBytesPerPartition ?? 1_048_576,
      maxBytes: this.#options.maxBytes ?? 50 * 1_048_576,
      maxWaitTimeMs: this.#options.maxWaitTimeMs ?? 5_000,
      minBytes: this.#options.minBytes ?? 1,
      log: this.#log,
      deadlineMs: this.#callDeadlineMs(),
      onCrash: (error, restart) => {
        for (const listener of this.#crashListeners) listener(error, restart);
      },
    });
    this.#loop.start();
    this.#startJoin(this.#loop);
  }

  #startJoin(loop: FetchLoop): void {
    this.#rejoining ??= this.#join(loop).finally(() => (this.#rejoining = undefined));
  }

  /**
   * Joins in the background, as librdkafka does (run() resolves at once): a join can wait for a
   * whole rebalance, which other members' revoke listeners may hold up to the rebalance timeout.
   * A failed join is reported as a crash and tried again, on a new library consumer (the failed
   * one may hold a coordinator that is gone), while the consumer runs.
   */
  async #join(loop: FetchLoop): Promise<void> {
    while (this.#loop === loop) {
      this.#joining = true;
      try {
        await (this.#membership ? this.#membership.join(this.#consumer.topics.current) : this.#consumer.joinGroup({}));
        await this.#onJoined();
        return;
      } catch (error) {
        if (this.#loop !== loop) return;
        loop.assignmentKey = '';
        this.#log.error({ err: error, groupId: this.groupId }, 'joining the consumer group failed; trying again');
        for (const listener of this.#crashListeners) listener(error as Error, true);
        this.#renew();
        await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_MS));
      } finally {
        this.#joining = false;
      }
    }
  }

  /**
   * A rejoin the library made on its own (after a heartbeat met a rebalance): the new assignment's
   * positions. If they cannot be read (the group coordinator answers OffsetFetch), the member
   * rejoins, which reads them again.
   */
  #afterLibraryJoin(): void {
    const loop = this.#loop;
    if (!loop || this.#rejoining) return;
    this.#onJoined().catch((error: unknown) => {
      loop.assignmentKey = '';
      this.#log.error({ err: error, groupId: this.groupId }, 'reading the positions of a new assignment failed; rejoining');
      for (const listener of this.#crashListeners) listener(error as Error, true);
      if (this.#loop !== loop || this.#rejoining) return;
      this.#renew();
      this.#startJoin(loop);
    });
  }

  /** Stops fetching, gives up the partitions (revoke listeners awaited) and leaves the group. */
  async stop(): Promise<void> {
    const loop = this.#loop;
    if (!loop) return;
    this.#loop = undefined;
    await loop.stop();
    await this.#revoke(false);
    this.#membership?.reset();
    await (this.#consumer.leaveGroup(true) as unknown as Promise<void>).catch((error: unknown) => this.#log.warn({ err: error, groupId: this.groupId }, 'leaving the group failed'));
    this.#consumer.topics.clear();
  }

  /**
   * After every (re)join: the new assignment's positions, then the join listeners (their seeks win).
   * Under the consumer protocol the membership hands over each new assignment (`given`).
   */
  async #onJoined(given?: readonly Assigned[]): Promise<void> {
    const loop = this.#loop;
    if (!loop || (this.#membership && !given)) return;
    const assigned = given ?? (this.#consumer.assignments ?? []).flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    const key = `${this.groupMetadata().generationId}:${assigned.map((a) => tp(a.topic, a.partition)).join(',')}`;
    if (!given && loop.assignmentKey === key) return;
    this.#assigned = new Map(assigned.map((a) => [tp(a.topic, a.partition), a]));
    await loop.assign(assigned, key);
    const assignment = Object.fromEntries(byTopic(assigned).map((t) => [t.topic, t.partitions ?? []]));
    for (const listener of this.#joinListeners) listener({ memberId: this.#consumer.memberId ?? '', assignment });
    loop.resumeFetching();
  }

  /** Before a JoinGroup goes out: stop handing out batches, wait for those in flight, await the revoke listeners. */
  async #beforeJoin(): Promise<void> {
    if (this.#assigned.size === 0) return;
    for (const listener of this.#rebalanceListeners) listener();
    const lost = !this.#consumer.memberId;
    const stopBeating = lost ? () => undefined : this.#keepAlive();
    try {
      await this.#loop?.suspend(this.#rebalanceTimeoutMs);
      await this.#revoke(lost);
    } finally {
      stopBeating();
    }
  }

  /** Under the consumer protocol, before the heartbeat that acknowledges a new assignment. */
  async #handOver(lost: boolean): Promise<void> {
    for (const listener of this.#rebalanceListeners) listener();
    await this.#loop?.suspend(this.#rebalanceTimeoutMs);
    await this.#revoke(lost);
  }

  /**
   * Heartbeats while the JoinGroup is held: the library stops its own when it starts rejoining,
   * and a member that neither heartbeats nor rejoins is dropped after the session timeout. The
   * broker answers REBALANCE_IN_PROGRESS, which keeps the session alive.
   */
  #keepAlive(): () => void {
    const c = this.#consumer;
    const beat = () => {
      const coordinator = c.coordinatorId;
      if (coordinator === null || !c.memberId) return;
      void c.metadata({ topics: [] }).then((metadata) => {
        const broker = metadata.brokers.get(coordinator);
        if (!broker) return;
        (c[kGetConnection] as (broker: object, callback: (error: Error | null, connection?: Connection) => void) => void).call(c, broker, (error, connection) => {
          if (error || !connection) return;
          (c[kGetApi] as ApiGetter).call(c, 'Heartbeat', (apiError, api) => {
            if (apiError || !api) return;
            (api as (...args: unknown[]) => void)(connection, c.groupId, c.generationId, c.memberId, c.groupInstanceId, () => undefined);
          });
        });
      }, () => undefined);
    };
    beat();
    const timer = setInterval(beat, this.#options.heartbeatIntervalMs ?? 3_000);
    return () => clearInterval(timer);
  }

  async #revoke(lost: boolean): Promise<void> {
    if (this.#assigned.size === 0) return;
    const revoked = byTopic(this.#assigned.values());
    this.#assigned = new Map();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#rebalanceTimeoutMs)));
    const listeners = Promise.all(
      [...this.#revokeListeners].map((listener) =>
        Promise.resolve()
          .then(() => listener(revoked, lost))
          .catch((error: unknown) => this.#log.warn({ err: error, groupId: this.groupId }, 'a partitions-revoked listener failed')),
      ),
    );
    await Promise.race([listeners, bound]).finally(() => clearTimeout(timer));
  }

  pause(partitions: readonly TopicPartitions[]): void {
    this.#loop?.pause(partitions);
  }
  resume(partitions: readonly TopicPartitions[]): void {
    this.#loop?.resume(partitions);
  }
  paused(): TopicPartitions[] {
    return this.#loop?.paused() ?? [];
  }
  seek(target: TopicPartitionOffset): void {
    if (!this.#loop) throw new Error(`consumer of group ${this.groupId} is not running: seek after run()`);
    this.#loop.seek(target.topic, target.partition, BigInt(target.offset));
  }

  /** Commits with the member's generation (the library's OffsetCommit): a fenced member's commit is refused. */
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const consumer = this.#consumer;
    await withDeadline('commit', this.#callDeadlineMs(), () =>
      consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) }),
    ).catch((error: unknown) => {
      throw withErrorType(error);
    });
  }

  onGroupJoin(listener: (assignment: GroupAssignment) => void) {
    this.#joinListeners.add(listener);
    return () => void this.#joinListeners.delete(listener);
  }
  onCrash(listener: (error: Error, restart: boolean) => void) {
    this.#crashListeners.add(listener);
    return () => void this.#crashListeners.delete(listener);
  }
  onRebalancing(listener: () => void) {
    this.#rebalanceListeners.add(listener);
    return () => void this.#rebalanceListeners.delete(listener);
  }
  onPartitionsRevoked(listener: RevokeListener) {
    this.#revokeListeners.add(listener);
    return () => void this.#revokeListeners.delete(listener);
  }
}

export type { BatchControl };
