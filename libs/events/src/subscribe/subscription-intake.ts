import type { TaskPriority } from '@switchyard/protocol';
import { batchRecords, parseEventTopic, type BatchControl, type ConsumerPort, type Logger, type RecordBatch, type TopicPartitions } from '@switchyard/kafka';
import { KeyedExecutor, LaneDispatcher, NextTurn, OffsetTrackers, RoomPauses, TimedPauses, tierDueAt, type TransactionalCommitter } from '@switchyard/pipeline';
import { laneOfHeader, sourceOf, type Item } from './subscription-item.js';
import type { SubscriptionOptions } from './subscription.options.js';

export interface SubscriptionIntakeDeps {
  readonly name: string;
  readonly options: Pick<SubscriptionOptions, 'bufferSize' | 'minLowerLaneShare' | 'concurrency' | 'perTenantConcurrency'>;
  readonly log: Logger;
  readonly isRunning: () => boolean;
  readonly consumer: () => ConsumerPort | undefined;
  readonly committer: () => TransactionalCommitter | undefined;
  /** Handles one event (its outcome goes to the committer); runs under the keyed executor. */
  readonly process: (item: Item) => Promise<void>;
  /** Partitions no longer owned at all (co-partitioned: every topic's partition N moved): their key state goes. */
  readonly onPartitionGone: (partition: number) => void;
  /** After every assignment (dedup reads its ids back). */
  readonly onAssigned?: () => void;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The intake of a subscription: fetched batches into the lane buffers (delay tiers paused until
 * due, full lanes paused until they have room), the most urgent lane first into the keyed
 * executor while the executor and the committer have room, and the partition bookkeeping of a
 * rebalance (trackers revoked, buffers and key state of lost partitions dropped).
 */
export class SubscriptionIntake {
  readonly trackers = new OffsetTrackers();
  readonly #deps: SubscriptionIntakeDeps;
  readonly #dispatcher: LaneDispatcher<Item>;
  readonly #executor: KeyedExecutor;
  readonly #timedPauses: TimedPauses;
  readonly #roomPauses: RoomPauses;
  /** Events handed to the executor and not settled yet (part of the committer's rerun window). */
  #dispatched = 0;
  readonly #nextPump = new NextTurn(() => this.pump());
  #owned: ReadonlySet<string> = new Set<string>();

  constructor(deps: SubscriptionIntakeDeps) {
    this.#deps = deps;
    const { options } = deps;
    this.#dispatcher = new LaneDispatcher<Item>({ bufferSize: options.bufferSize, minLowerLaneShare: options.minLowerLaneShare });
    this.#executor = new KeyedExecutor({ concurrency: options.concurrency, ...(options.perTenantConcurrency ? { perTenantConcurrency: options.perTenantConcurrency } : {}) });
    this.#timedPauses = new TimedPauses(deps.consumer, deps.isRunning);
    this.#roomPauses = new RoomPauses(deps.consumer);
  }

  /** Events fetched and not started yet: buffered in the lanes or waiting behind their key. */
  get waiting(): number {
    return this.#dispatcher.size() + this.#executor.pending;
  }

  async onBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    const source = sourceOf(batch.topic, this.#deps.name);
    if (!source) return;
    const tracker = this.trackers.forPartition(batch.topic, batch.partition);
    const topicLane = parseEventTopic(batch.topic)?.lane ?? 'normal';
    let fullest: TaskPriority = topicLane;
    for (const record of batchRecords(batch)) {
      if (!control.isRunning() || control.isStale() || !this.#deps.isRunning()) return;
      if (source.kind === 'retry') {
        const due = tierDueAt(Number(record.timestamp), source.tier);
        if (due > Date.now()) return this.#timedPauses.pauseUntil(batch.topic, batch.partition, due);
      }
      control.resolveOffset(record.offset);
      if (!tracker.track(record.offset)) continue;
      const lane = source.kind === 'event' ? topicLane : laneOfHeader(record);
      fullest = this.#dispatcher.size(lane) >= this.#dispatcher.size(fullest) ? lane : fullest;
      this.#dispatcher.push(lane, { record, lane, source, tracker });
    }
    if (this.#dispatcher.isFull(fullest)) this.#roomPauses.pause(fullest, batch.topic, batch.partition);
    this.pump();
  }

  /** Starts buffered events while there is room: most urgent lane first. */
  pump(): void {
    if (!this.#deps.isRunning()) return;
    const committer = this.#deps.committer()!;
    while (this.#executor.hasRoom() && committer.hasRoom(this.#dispatched)) {
      const item = this.#dispatcher.next();
      if (!item) break;
      const key = item.record.key?.toString('utf8');
      this.#dispatched++;
      void this.#executor.run(key, key, () => this.#deps.process(item)).then(
        () => this.#settled(),
        (error: unknown) => {
          this.#deps.log.error({ err: error, subscription: this.#deps.name, offset: item.record.offset }, 'event processing failed unexpectedly; it will be redelivered');
          this.#settled();
        },
      );
    }
    this.#roomPauses.resumeWithRoom((lane) => this.#dispatcher.hasRoom(lane));
  }

  /** An event's processing settled: its slot is free, pump on the next turn (once for all that settle before it). */
  #settled(): void {
    this.#dispatched--;
    this.#nextPump.schedule();
  }

  /** Asks for a pump on the next turn (e.g. the committer made room). */
  pumpSoon(): void {
    this.#nextPump.schedule();
  }

  /** After a rebalance: forget buffered events and offsets of partitions this process lost. */
  onAssignment(assignment: Readonly<Record<string, readonly number[]>>): void {
    const owned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => partitionKey(topic, p))));
    this.#roomPauses.clear();
    this.#forget([...this.#owned].filter((key) => !owned.has(key)), owned);
    this.#deps.onAssigned?.();
    this.#deps.log.info({ subscription: this.#deps.name, partitions: owned.size }, 'partitions assigned');
  }

  /**
   * Partitions about to move: their finished outcomes are committed (with their offsets) while
   * still owned. Lost ones (this member was fenced out of the group): forgotten, their work dropped.
   */
  onRevoked(revoked: readonly TopicPartitions[], lost: boolean): Promise<void> | undefined {
    if (!lost) return this.#deps.committer()?.flush();
    const keys = new Set(revoked.flatMap(({ topic, partitions = [] }) => partitions.map((p) => partitionKey(topic, p))));
    this.#forget(keys, new Set([...this.#owned].filter((key) => !keys.has(key))));
    return undefined;
  }

  /** On close, before fetching stops: no delay tier is resumed any more. */
  stopTimedResumes(): void {
    this.#timedPauses.clear();
  }

  /** On close, once every partition is paused: drops every buffered event; resolves when running events settle. */
  dropBuffered(): Promise<void> {
    this.#dispatcher.drop(() => true);
    return this.#executor.onIdle();
  }

  /**
   * Lets go of partitions (`topic\u0000partition` keys) now owned elsewhere: trackers revoked (so
   * outcomes of their events still running or waiting for a transaction are dropped unwritten),
   * buffered events and key state dropped. `owned` is what stays.
   */
  #forget(gone: Iterable<string>, owned: ReadonlySet<string>): void {
    const ownedPartitions = new Set([...owned].map((key) => Number(key.split('\u0000')[1])));
    for (const key of gone) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      this.trackers.revoke(topic, Number(partition));
      // Co-partitioned: partition N of every topic moved together, and its keys' blocks with it.
      if (!ownedPartitions.has(Number(partition))) this.#deps.onPartitionGone(Number(partition));
    }
    this.#dispatcher.drop((item) => item.tracker.revoked);
    this.#owned = owned;
    void this.#deps.committer()?.prune();
  }
}
