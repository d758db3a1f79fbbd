/**
 * ConsumerPort over the binding's KafkaJS-compatible consumer (librdkafka underneath). The
 * rebalance goes through our rebalance callback, which the binding awaits before it assigns or
 * unassigns: revoke listeners are awaited there (bounded by the rebalance timeout), so outcomes of
 * the partitions leaving can be committed while this member still owns them.
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type {
  BatchControl,
  ConsumerGroupMetadata,
  ConsumerPort,
  ConsumerRunOptions,
  GroupAssignment,
  IncomingRecord,
  TopicPartitionOffset,
  TopicPartitions,
} from '../kafka-client.port.js';
import { kafkaCall, RD_KAFKA, type Connector } from './confluent.errors.js';
import { withLibraryConsumer } from './confluent.group-metadata.js';
import { Listeners, type Assignment, assignmentOf } from './confluent.rebalance.js';

/** The binding's rebalance callback (`rebalance_cb`): awaited before it applies the change. */
export type RebalanceCallback = (error: { code: number }, assignment: Assignment, fns: { assign(a: Assignment): void; assignmentLost(): boolean }) => Promise<void>;

/** Makes the binding's consumer; `fromBeginning` is its auto.offset.reset, fixed at creation. */
export type ConsumerFactory = (fromBeginning: boolean, rebalance: RebalanceCallback) => KafkaJS.Consumer;

/** What the binding's consumer has beyond its KafkaJS-compatible typings. */
interface BindingConsumer {
  _getInternalClient(): InternalClient;
  rebalanceProtocol(): 'NONE' | 'EAGER' | 'COOPERATIVE';
}

interface InternalClient {
  on(event: 'event.error', listener: (error: Error & { isFatal?: boolean; fatal?: boolean }) => void): void;
  on(event: 'data', listener: (message: { topic: string; partition: number; offset: number }) => void): void;
  on(event: 'partition.eof', listener: (eof: { topic: string; partition: number; offset: number }) => void): void;
}

/** Where a partition's log ended (past markers) when librdkafka last reached it, and the last record it had delivered then. */
interface PartitionEnd {
  readonly end: number;
  readonly last: number | undefined;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

const binding = (consumer: KafkaJS.Consumer) => consumer as unknown as BindingConsumer;

/** librdkafka's rebalance event codes. */
const ASSIGN = -175;
const REVOKE = -174;

function toHeaders(headers: KafkaJS.IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    // Repeated header names come as an array; the first one wins for us (as with kafkajs).
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return out;
}

function toLibraryPartitions(partitions: readonly TopicPartitions[]) {
  return partitions.map((p) => ({ topic: p.topic, ...(p.partitions ? { partitions: [...p.partitions] } : {}) }));
}

/** librdkafka matches a pattern only when it starts with ^, and takes no flags. */
function librdkafkaPattern(pattern: RegExp): RegExp {
  if (pattern.flags) throw new TypeError(`subscribe: a topic pattern takes no flags with KAFKA_CLIENT=confluent (got /${pattern.source}/${pattern.flags})`);
  return pattern.source.startsWith('^') ? pattern : new RegExp(`^.*${pattern.source}`);
}

export class ConfluentConsumer implements ConsumerPort {
  readonly groupId: string;
  readonly #make: ConsumerFactory;
  readonly #connect: Connector;
  readonly #revokeTimeoutMs: number;
  /** Finds this member's id in the group by its assignment (the binding does not expose librdkafka's memberid()). */
  readonly #findMemberId: (consumer: KafkaJS.Consumer, assignment: Assignment) => Promise<string | undefined>;
  #consumer: KafkaJS.Consumer | undefined;
  #fromBeginning = false;
  #subscribed = false;
  #memberId = '';
  #assigned: Assignment = [];
  #stopped = false;
  /** eachBatch calls under way (stop() waits for them). */
  readonly #running = new Set<Promise<void>>();
  /** Rebalances seen (revoke or assign): a group metadata snapshot of an earlier one is refused. */
  #rebalances = 0;
  /** Per partition: the offset of the last record librdkafka handed to the binding. */
  readonly #fetched = new Map<string, number>();
  readonly #ends = new Map<string, PartitionEnd>();
  readonly #listeners = new Listeners();

  constructor(groupId: string, make: ConsumerFactory, connect: Connector, revokeTimeoutMs: number, findMemberId: (consumer: KafkaJS.Consumer, assignment: Assignment) => Promise<string | undefined>) {
    this.groupId = groupId;
    this.#make = make;
    this.#connect = connect;
    this.#revokeTimeoutMs = revokeTimeoutMs;
    this.#findMemberId = findMemberId;
  }

  /**
   * librdkafka keeps the generation to itself (-1 here); the binding's consumer rides along
   * (non-enumerable) and fences `sendOffsets` with the live generation and member id.
   */
  groupMetadata(): ConsumerGroupMetadata {
    const consumer = this.#consumer;
    const fence = consumer && { consumer, rebalance: this.#rebalances, current: () => this.#rebalances };
    return withLibraryConsumer({ groupId: this.groupId, generationId: -1, memberId: this.#memberId }, fence);
  }

  async connect(): Promise<void> {
    await this.#open(false);
  }

  async disconnect(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    this.#subscribed = false;
    if (consumer) await kafkaCall(() => consumer.disconnect());
  }

  async subscribe(topics: readonly string[] | RegExp, options: { fromBeginning?: boolean } = {}): Promise<void> {
    const fromBeginning = options.fromBeginning ?? false;
    // auto.offset.reset is fixed when the binding's consumer is made: make it again if it differs.
    if (!this.#consumer || (fromBeginning !== this.#fromBeginning && !this.#subscribed)) {
      await this.disconnect().catch(() => undefined);
      await this.#open(fromBeginning);
    }
    const list = topics instanceof RegExp ? [librdkafkaPattern(topics)] : [...topics];
    await kafkaCall(() => this.#library().subscribe({ topics: list }));
    this.#subscribed = true;
  }

  async run(options: ConsumerRunOptions): Promise<void> {
    this.#stopped = false;
    await kafkaCall(() =>
      this.#library().run({
        eachBatchAutoResolve: options.autoResolve ?? true,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        eachBatch: async (payload) => {
          // Stopped: hand over nothing more (the partitions are paused, so nothing is resolved).
          if (this.#stopped) return;
          const { batch } = payload;
          const records: IncomingRecord[] = batch.messages.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ?? null,
            value: m.value ?? null,
            headers: toHeaders(m.headers),
            timestamp: m.timestamp,
          }));
          const lastOffset = this.#lastOffset(batch.topic, batch.partition, Number(batch.lastOffset()));
          // The binding reports -1001 when librdkafka has no watermark yet: at least past the batch.
          const highWatermark = Number(batch.highWatermark) >= 0 ? batch.highWatermark : String(BigInt(lastOffset) + 1n);
          const control: BatchControl = {
            resolveOffset: (offset) => payload.resolveOffset(offset),
            // librdkafka heartbeats from its own thread.
            heartbeat: async () => undefined,
            isRunning: () => payload.isRunning(),
            isStale: () => payload.isStale(),
          };
          const handling = options.eachBatch({ topic: batch.topic, partition: batch.partition, highWatermark, lastOffset, records }, control);
          const tracked = handling.then(() => undefined, () => undefined);
          this.#running.add(tracked);
          try {
            await handling;
          } catch (error) {
            // The binding seeks back to the first unresolved record: forget where the log ended.
            this.#ends.delete(key(batch.topic, batch.partition));
            throw error;
          } finally {
            this.#running.delete(tracked);
          }
        },
      }),
    );
  }

  /**
   * The binding has no stop(): every assigned partition is paused (no further batch, nothing
   * more resolved) and the batches under way are awaited. The consumer stays in the group until
   * disconnect().
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    const consumer = this.#consumer;
    if (consumer && this.#assigned.length > 0) consumer.pause(toLibraryPartitions(assignmentOf(this.#assigned)));
    await Promise.all([...this.#running]);
  }

  pause(partitions: readonly TopicPartitions[]): void {
    this.#library().pause(toLibraryPartitions(partitions));
  }

  resume(partitions: readonly TopicPartitions[]): void {
    this.#library().resume(toLibraryPartitions(partitions));
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await kafkaCall(() => this.#library().commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }))));
  }

  seek(target: TopicPartitionOffset): void {
    this.#ends.delete(key(target.topic, target.partition));
    this.#library().seek({ topic: target.topic, partition: target.partition, offset: target.offset });
  }

  onGroupJoin(listener: (assignment: GroupAssignment) => void): () => void {
    return this.#listeners.join.add(listener);
  }

  onCrash(listener: (error: Error, restart: boolean) => void): () => void {
    return this.#listeners.crash.add(listener);
  }

  onRebalancing(listener: () => void): () => void {
    return this.#listeners.rebalancing.add(listener);
  }

  onPartitionsRevoked(listener: (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void): () => void {
    return this.#listeners.revoked.add(listener);
  }

  paused(): TopicPartitions[] {
    return this.#consumer ? this.#consumer.paused().map((p) => ({ topic: p.topic, partitions: [...p.partitions] })) : [];
  }

  #library(): KafkaJS.Consumer {
    if (!this.#consumer) throw new Error(`Consumer of group ${this.groupId} is not connected: call connect() first.`);
    return this.#consumer;
  }

  async #open(fromBeginning: boolean): Promise<void> {
    const consumer = this.#make(fromBeginning, (error, assignment, fns) => this.#rebalance(consumer, error, assignment, fns));
    await this.#connect(() => consumer.connect());
    this.#consumer = consumer;
    this.#fromBeginning = fromBeginning;
    const internal = binding(consumer)._getInternalClient();
    // A fatal error (librdkafka gives up on the consumer) is the port's crash, without restart.
    internal.on('event.error', (error) => {
      if (error.isFatal === true || error.fatal === true) this.#listeners.crash.emit(error, false);
    });
    // Emitted in order with the records of each consume call, before the binding caches them.
    internal.on('data', (m) => this.#fetched.set(key(m.topic, m.partition), m.offset));
    internal.on('partition.eof', (e) => this.#ends.set(key(e.topic, e.partition), { end: e.offset, last: this.#fetched.get(key(e.topic, e.partition)) }));
  }

  /**
   * The batch's last offset, counting the transaction markers (and, read_committed, aborted
   * records) librdkafka skipped after its last record: when librdkafka reached the partition's
   * end right after delivering exactly this record, everything up to that end is markers.
   */
  #lastOffset(topic: string, partition: number, lastRecord: number): string {
    const end = this.#ends.get(key(topic, partition));
    return end && end.last === lastRecord && end.end > lastRecord + 1 ? String(end.end - 1) : String(lastRecord);
  }

  /** Revoke: listeners first, awaited; assign: applied first, then the join is announced. */
  async #rebalance(consumer: KafkaJS.Consumer, error: { code: number }, assignment: Assignment, fns: { assign(a: Assignment): void; assignmentLost(): boolean }): Promise<void> {
    if (error.code === REVOKE) {
      const lost = fns.assignmentLost();
      this.#listeners.rebalancing.emit();
      const revoked = assignmentOf(assignment);
      if (revoked.length > 0) await this.#listeners.revokedSettled(revoked, lost, this.#revokeTimeoutMs);
      this.#rebalances++;
      const gone = new Set(assignment.map((p) => key(p.topic, p.partition)));
      this.#assigned = this.#assigned.filter((p) => !gone.has(key(p.topic, p.partition)));
      for (const k of gone) this.#ends.delete(k);
    } else if (error.code === ASSIGN) {
      this.#rebalances++;
      fns.assign(assignment);
      const cooperative = binding(consumer).rebalanceProtocol() === 'COOPERATIVE';
      this.#assigned = cooperative ? [...this.#assigned, ...assignment] : [...assignment];
      for (const p of assignment) this.#ends.delete(key(p.topic, p.partition));
      this.#memberId = (await this.#findMemberId(consumer, this.#assigned).catch(() => undefined)) ?? this.#memberId;
      const byTopic = Object.fromEntries(assignmentOf(this.#assigned).map((t) => [t.topic, t.partitions ?? []]));
      this.#listeners.join.emit({ memberId: this.#memberId, assignment: byTopic });
    } else if (error.code !== RD_KAFKA.STATE) {
      this.#listeners.crash.emit(Object.assign(new Error(`rebalance error ${error.code}`), error), true);
    }
  }
}
