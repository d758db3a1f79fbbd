import {
  createLogger,
  laneTopic,
  schedulerGroup,
  schedulerJobsTopic,
  schedulerLogTopic,
  type AdminPort,
  type ConsumerPort,
  type KafkaClient,
  type Logger,
  type ProducerPort,
  type RecordBatch,
} from '@switchyard/kafka';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { SchedulerOptionsSchema, type SchedulerOptions, type SchedulerOptionsInput } from '../scheduler.options.js';
import { decodeScheduleRecord } from '../store/schedule-record.v1.js';
import { ensureSchedulerTopics } from '../store/scheduler-topics.js';
import type { EventPreparer } from './fire-records.js';
import { PartitionOwner, type FiredTick } from './partition-owner.js';
import { StatusFollower } from './status-follower.js';

/** What a scheduler process needs besides its options. */
export interface SchedulerDeps {
  readonly log?: Logger;
  readonly metrics?: SchedulerMetrics;
  /** Needed for jobs that fire events: the bus's EventPublisher (its `prepare` runs inside our transaction). */
  readonly events?: EventPreparer;
  readonly now?: () => number;
  /** Called after each fired tick committed. */
  readonly onFired?: (fired: FiredTick) => void;
}

type SchedulerState = 'idle' | 'starting' | 'running' | 'closing' | 'closed';
const TRANSITIONS: Record<SchedulerState, readonly SchedulerState[]> = {
  idle: ['starting', 'closed'],
  starting: ['running', 'closing'],
  running: ['closing'],
  closing: ['closed'],
  closed: [],
};

/** How long the queue-existence cache trusts a "missing" answer (ms). */
const MISSING_QUEUE_RECHECK_MS = 5_000;

/**
 * A scheduler process. Run one or many with the same name: they form one consumer group over the
 * jobs topic, each partition (and so each job) is owned by one of them, and each owner fires its
 * jobs' ticks exactly once through fenced transactions (see PartitionOwner).
 */
export class Scheduler {
  readonly options: SchedulerOptions;
  readonly metrics: SchedulerMetrics;
  readonly #client: KafkaClient;
  readonly #deps: SchedulerDeps;
  readonly #log: Logger;
  readonly #owners = new Map<number, PartitionOwner>();
  readonly #knownQueues = new Map<string, number | true>();
  #state: SchedulerState = 'idle';
  #consumer: ConsumerPort | undefined;
  #barrierProducer: ProducerPort | undefined;
  #admin: AdminPort | undefined;
  #timer: NodeJS.Timeout | undefined;
  #follower: StatusFollower | undefined;
  #generation = 0;

  constructor(client: KafkaClient, options: SchedulerOptionsInput = {}, deps: SchedulerDeps = {}) {
    this.options = parseOrThrow(SchedulerOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'SchedulerOptions' });
    this.#client = client;
    this.#deps = deps;
    this.#log = deps.log ?? createLogger(`scheduler.${this.options.name}`);
    this.metrics = deps.metrics ?? new SchedulerMetrics();
  }

  get state(): SchedulerState {
    return this.#state;
  }

  /** Partitions this process owns and has synced (ready to fire). */
  readyPartitions(): number[] {
    return [...this.#owners.values()].filter((o) => o.state === 'ready').map((o) => o.partition);
  }

  /** Partitions this process owns, and the jobs in each. */
  ownership(): { partition: number; state: string; jobs: string[] }[] {
    return [...this.#owners.values()].map((o) => ({ partition: o.partition, state: o.state, jobs: o.jobIds() }));
  }

  /** Creates the topics when missing, joins the group and starts firing. */
  async start(): Promise<void> {
    this.#move('starting');
    const jobsTopic = schedulerJobsTopic(this.options.name);
    this.#admin = this.#client.admin();
    await this.#admin.connect();
    await ensureSchedulerTopics(this.#admin, this.options);
    this.#barrierProducer = this.#client.producer({ idempotent: true });
    await this.#barrierProducer.connect();
    const consumer = this.#client.consumer({ groupId: schedulerGroup(this.options.name), sessionTimeoutMs: this.options.sessionTimeoutMs, maxWaitTimeMs: 250, readCommitted: true });
    this.#consumer = consumer;
    consumer.onRebalancing(() => this.#suspendAll());
    consumer.onGroupJoin(({ assignment }) => this.#assign(assignment[jobsTopic] ?? []));
    consumer.onCrash((error, restart) => {
      this.#log.error({ err: error, restart }, 'scheduler consumer crashed');
      this.#suspendAll();
    });
    await consumer.connect();
    // The group never commits offsets: every assignment replays its partitions from the start.
    await consumer.subscribe([jobsTopic], { fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: this.options.partitions, eachBatch: async (batch) => this.#onBatch(batch) });
    if (this.options.followQueues.length > 0) {
      this.#follower = new StatusFollower(this.#client, this.options, { log: this.#log, metrics: this.metrics });
      await this.#follower.start();
    }
    this.#timer = setInterval(() => this.#pollOwners(), this.options.pollIntervalMs);
    this.#move('running');
    this.#log.info({ scheduler: this.options.name, topic: jobsTopic }, 'scheduler started');
  }

  /** Stops firing, leaves the group (its partitions move to the other processes) and disconnects. */
  async close(): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'closing') return;
    if (this.#state === 'idle') {
      this.#move('closed');
      return;
    }
    this.#move('closing');
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all([...this.#owners.values()].map((o) => o.close()));
    this.#owners.clear();
    await this.#follower?.close();
    await this.#consumer?.disconnect();
    await this.#barrierProducer?.disconnect();
    await this.#admin?.disconnect();
    this.#move('closed');
  }

  #ownerContext() {
    return {
      client: this.#client,
      options: this.options,
      jobsTopic: schedulerJobsTopic(this.options.name),
      logTopic: schedulerLogTopic(this.options.name),
      barrierProducer: this.#barrierProducer!,
      metrics: this.metrics,
      log: this.#log,
      now: this.#deps.now ?? Date.now,
      queueExists: (queue: string) => this.#queueExists(queue),
      ...(this.#deps.events ? { events: this.#deps.events } : {}),
      ...(this.#deps.onFired ? { onFired: this.#deps.onFired } : {}),
    };
  }

  #assign(partitions: readonly number[]): void {
    const generation = ++this.#generation;
    const previous = [...this.#owners.values()];
    this.#owners.clear();
    const ctx = this.#ownerContext();
    for (const p of partitions) this.#owners.set(p, new PartitionOwner(p, ctx));
    this.#log.info({ partitions }, 'scheduler partitions assigned');
    void (async () => {
      // The old owners' producers go first: a partition kept by this process re-inits its own id.
      await Promise.all(previous.map((o) => o.close()));
      if (generation !== this.#generation) return;
      await Promise.all(
        [...this.#owners.values()].map((o) => o.sync().catch((error: unknown) => this.#log.error({ partition: o.partition, err: error }, 'scheduler partition sync failed'))),
      );
    })();
  }

  #suspendAll(): void {
    const owners = [...this.#owners.values()];
    this.#owners.clear();
    for (const o of owners) void o.close();
  }

  async #onBatch(batch: RecordBatch): Promise<void> {
    const owner = this.#owners.get(batch.partition);
    if (!owner) return;
    for (const record of batch.records) {
      const decoded = decodeScheduleRecord(record);
      if (decoded) owner.apply(decoded);
      else if (record.value !== null) this.#log.warn({ partition: batch.partition, offset: record.offset }, 'unreadable record in the jobs topic, skipped');
    }
  }

  #pollOwners(): void {
    for (const owner of this.#owners.values()) if (owner.state === 'ready') void owner.fireDue();
  }

  async #queueExists(queue: string): Promise<boolean> {
    const known = this.#knownQueues.get(queue);
    if (known === true) return true;
    if (known !== undefined && Date.now() - known < MISSING_QUEUE_RECHECK_MS) return false;
    const topics = new Set(await this.#admin!.listTopics());
    const exists = topics.has(laneTopic(queue, 'normal'));
    this.#knownQueues.set(queue, exists ? true : Date.now());
    return exists;
  }

  #move(to: SchedulerState): void {
    if (!TRANSITIONS[this.#state].includes(to)) {
      throw new SwitchyardError('SY_INVALID_CONFIG', `Scheduler cannot go from ${this.#state} to ${to}.`, { hint: 'Call start() once, and close() to stop; make a new Scheduler to start again.' });
    }
    this.#state = to;
  }
}
