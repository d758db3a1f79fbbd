import { randomUUID } from 'node:crypto';
import { recordSizeBytes, schedulerTransactionalId, type KafkaClient, type Logger, type OutgoingRecord, type ProducerPort, type TopicRecords } from '@switchyard/kafka';
import type { ScheduledJob } from '../job/scheduled-job.schema.js';
import { encodeJobLogRecord } from '../log/job-execution.v1.js';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import { planFiring, type FiringPlan } from '../schedule/misfire-plan.js';
import { TickClock } from '../schedule/tick-clock.js';
import { encodeBarrier, encodeTickState, type ScheduleRecord, type StoredJob } from '../store/schedule-record.v1.js';
import type { SchedulerOptions } from '../scheduler.options.js';
import { fireRecords, type EventPreparer } from './fire-records.js';

/** What every owner of one scheduler process shares. */
export interface OwnerContext {
  readonly client: KafkaClient;
  readonly options: SchedulerOptions;
  readonly jobsTopic: string;
  readonly logTopic: string;
  /** Idempotent, non-transactional: writes the sync barriers. */
  readonly barrierProducer: ProducerPort;
  readonly metrics: SchedulerMetrics;
  readonly log: Logger;
  readonly events?: EventPreparer;
  readonly now: () => number;
  /** True when the queue's lane topics exist (cached by the scheduler). */
  readonly queueExists: (queue: string) => Promise<boolean>;
  /** Called with each tick fired (after its transaction committed); for tests and tracing. */
  readonly onFired?: (fired: FiredTick) => void;
}

/** A tick whose firing committed. */
export interface FiredTick {
  readonly jobId: string;
  readonly tick: number;
  readonly executionId: string;
  readonly late: boolean;
  readonly partition: number;
  readonly committedAt: number;
}

interface JobSlot {
  readonly stored: StoredJob;
  readonly clock: TickClock;
  readonly sinceMs: number;
  nextDue: number | undefined;
}

/** Owner lifecycle (STYLE.md #6): syncing -> ready -> (syncing again after an error) -> closed. */
type OwnerState = 'syncing' | 'ready' | 'closed';
const TRANSITIONS: Record<OwnerState, readonly OwnerState[]> = { syncing: ['ready', 'closed'], ready: ['syncing', 'closed'], closed: [] };

/** Bytes of records (keys, values, headers) one firing transaction carries at most, unless one job's plan alone is larger. */
const MAX_TRANSACTION_BYTES = 512 * 1024;

/** Most due ticks of one job looked at per firing round (later rounds continue after them). */
const MAX_TICKS_PER_ROUND = 10_000;

const FENCING_ERRORS = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_PRODUCER_ID_MAPPING']);

/**
 * Owns one partition of the jobs topic for as long as the consumer group gives it to this
 * process. Exactly-once per tick rests on three things:
 * 1. Its transactional producer's id is derived from the partition, so `initTransactions` (in
 *    `connect`) fences any previous owner's producer and aborts its open transaction.
 * 2. Only after that does it write a barrier record and rebuild jobs and last-handled ticks from
 *    the partition (read_committed) up to its own barrier: every tick the old owner committed is
 *    in that state, and the old owner can commit nothing more.
 * 3. Each firing writes the task/event, the job-log record and the job's new last-handled tick
 *    in one transaction: all or nothing.
 */
export class PartitionOwner {
  readonly partition: number;
  readonly #ctx: OwnerContext;
  readonly #jobs = new Map<string, JobSlot>();
  readonly #lastTicks = new Map<string, number>();
  readonly #producer: ProducerPort;
  #state: OwnerState = 'syncing';
  #nonce = '';
  #firing = false;
  #producerConnected = false;

  constructor(partition: number, ctx: OwnerContext) {
    this.partition = partition;
    this.#ctx = ctx;
    this.#producer = ctx.client.producer({ transactionalId: schedulerTransactionalId(ctx.options.name, partition), transactionTimeoutMs: ctx.options.transactionTimeoutMs });
  }

  get state(): OwnerState {
    return this.#state;
  }

  /** Jobs this owner knows (for status views and tests). */
  jobIds(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Fences the previous owner, then asks to be told when the partition has been read to its end. */
  async sync(): Promise<void> {
    if (this.#state === 'closed') return;
    if (!this.#producerConnected) {
      await this.#producer.connect();
      this.#producerConnected = true;
    }
    if (this.#closed()) {
      await this.#producer.disconnect().catch(() => undefined);
      return;
    }
    this.#nonce = randomUUID();
    await this.#ctx.barrierProducer.send([{ topic: this.#ctx.jobsTopic, records: [encodeBarrier(this.#nonce, this.partition)] }]);
  }

  /** Applies one record of the partition, in log order (replayed from the start after each assignment). */
  apply(record: ScheduleRecord): void {
    if (this.#state === 'closed') return;
    switch (record.kind) {
      case 'barrier':
        if (record.nonce === this.#nonce && this.#state === 'syncing') {
          this.#move('ready');
          this.#ctx.log.info({ partition: this.partition, jobs: this.#jobs.size }, 'scheduler partition ready');
        }
        return;
      case 'tick':
        this.#lastTicks.set(record.jobId, Math.max(record.state.lastTick, this.#lastTicks.get(record.jobId) ?? Number.NEGATIVE_INFINITY));
        this.#reschedule(record.jobId);
        return;
      case 'job-deleted':
        this.#jobs.delete(record.jobId);
        return;
      case 'job': {
        const createdMs = Date.parse(record.stored.createdAt);
        this.#jobs.set(record.jobId, { stored: record.stored, clock: new TickClock(record.stored.job.schedule, createdMs), sinceMs: Date.parse(record.stored.updatedAt), nextDue: undefined });
        this.#reschedule(record.jobId);
      }
    }
  }

  /** Fires every due tick (at most maxJobsPerTransaction jobs per transaction). Never runs twice at once. */
  async fireDue(): Promise<void> {
    if (this.#state !== 'ready' || this.#firing) return;
    this.#firing = true;
    try {
      for (;;) {
        const now = this.#ctx.now();
        const due = [...this.#jobs.values()].filter((s) => s.nextDue !== undefined && s.nextDue <= now).slice(0, this.#ctx.options.maxJobsPerTransaction);
        if (due.length === 0 || this.#state !== 'ready') return;
        await this.#fire(due, now);
      }
    } catch (error) {
      await this.#onFiringError(error);
    } finally {
      this.#firing = false;
    }
  }

  /** Stops firing; the producer is disconnected (its open transaction, if any, is aborted by the next owner). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#move('closed');
    while (this.#firing) await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.#producerConnected) await this.#producer.disconnect().catch(() => undefined);
  }

  async #fire(slots: readonly JobSlot[], now: number): Promise<void> {
    const firedAt = new Date(now).toISOString();
    const byTopic = new Map<string, OutgoingRecord[]>();
    const add = (topic: string, record: OutgoingRecord) => (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(record);
    const plans: { slot: JobSlot; plan: FiringPlan; executions: { tick: number; late: boolean; executionId: string }[] }[] = [];
    let bytes = 0;
    for (const slot of slots) {
      const job = slot.stored.job;
      const ticks = slot.clock.between(this.#since(slot), now, MAX_TICKS_PER_ROUND);
      const plan = planFiring(ticks, now, job.misfire);
      const executions: { tick: number; late: boolean; executionId: string }[] = [];
      const routed: { topic: string; record: OutgoingRecord }[] = [];
      for (const planned of plan.fire) {
        const records = await this.#recordsFor(job, planned.tick, planned.late, firedAt);
        routed.push(...records.records, { topic: this.#ctx.logTopic, record: records.log });
        executions.push({ tick: planned.tick, late: planned.late, executionId: records.executionId });
      }
      if (plan.lastTick !== undefined) routed.push({ topic: this.#ctx.jobsTopic, record: encodeTickState(job.id, plan.lastTick, firedAt, this.partition) });
      const size = routed.reduce((sum, r) => sum + recordSizeBytes(r.record), 0);
      // Stay well under the brokers' max.message.bytes (1 MiB): the rest is still due and fires
      // in the next transaction of this round. One job's plan is never split.
      if (plans.length > 0 && bytes + size > MAX_TRANSACTION_BYTES) break;
      bytes += size;
      routed.forEach((r) => add(r.topic, r.record));
      plans.push({ slot, plan, executions });
    }
    const batch: TopicRecords[] = [...byTopic].map(([topic, records]) => ({ topic, records }));
    const tx = await this.#producer.transaction();
    try {
      await tx.send(batch);
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
    const committedAt = this.#ctx.now();
    this.#account(plans, committedAt);
  }

  async #recordsFor(job: ScheduledJob, tick: number, late: boolean, firedAt: string) {
    const trigger = late ? 'misfire' : 'schedule';
    // A tick that cannot be fired is handled (and logged as failed) rather than retried forever:
    // it would otherwise block every other job of the partition.
    const refuse = (error: string) => {
      const executionId = `job.${job.id}.${tick}`;
      const log = encodeJobLogRecord({ executionId, tick: new Date(tick).toISOString(), trigger, execution: { jobId: job.id, startedAt: firedAt, completedAt: firedAt, status: 'failed', error } });
      this.#ctx.log.warn({ job: job.id, tick: new Date(tick).toISOString(), error }, 'scheduled tick not fired');
      return { executionId, records: [], log };
    };
    if (job.target.kind === 'task' && !(await this.#ctx.queueExists(job.target.queue))) return refuse(`SY_UNKNOWN_QUEUE: queue "${job.target.queue}" has no lane topics`);
    if (job.target.kind === 'event' && !this.#ctx.events) return refuse('SY_INVALID_CONFIG: this scheduler has no event publisher (SchedulerDeps.events)');
    return fireRecords(job, tick, trigger, firedAt, this.#ctx.events);
  }

  #account(plans: readonly { slot: JobSlot; plan: FiringPlan; executions: { tick: number; late: boolean; executionId: string }[] }[], committedAt: number): void {
    const { metrics, options } = this.#ctx;
    for (const { slot, plan, executions } of plans) {
      const jobId = slot.stored.job.id;
      if (plan.lastTick !== undefined) this.#lastTicks.set(jobId, Math.max(plan.lastTick, this.#lastTicks.get(jobId) ?? Number.NEGATIVE_INFINITY));
      this.#reschedule(jobId);
      if (plan.late > 0) {
        metrics.misfires.inc({ scheduler: options.name, job: jobId, outcome: 'fired' }, plan.late - plan.skipped);
        if (plan.skipped > 0) metrics.misfires.inc({ scheduler: options.name, job: jobId, outcome: 'skipped' }, plan.skipped);
      }
      for (const e of executions) {
        metrics.ticksFired.inc({ scheduler: options.name, job: jobId, trigger: e.late ? 'misfire' : 'schedule' });
        metrics.firingLag.observe({ scheduler: options.name }, Math.max(0, committedAt - e.tick) / 1000);
        this.#ctx.onFired?.({ jobId, tick: e.tick, executionId: e.executionId, late: e.late, partition: this.partition, committedAt });
      }
    }
  }

  async #onFiringError(error: unknown): Promise<void> {
    const type = (error as { type?: string }).type ?? (error as { cause?: { type?: string } }).cause?.type;
    if (type && FENCING_ERRORS.has(type)) {
      // Another process owns the partition now: never re-init (that would fence the rightful owner).
      this.#ctx.log.warn({ partition: this.partition, type }, 'scheduler partition fenced by a newer owner; giving it up');
      await this.close();
      return;
    }
    this.#ctx.log.warn({ partition: this.partition, err: error }, 'scheduler firing failed; re-syncing the partition');
    if (this.#state === 'ready') this.#move('syncing');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await this.sync().catch((e: unknown) => this.#ctx.log.error({ partition: this.partition, err: e }, 'scheduler re-sync failed'));
  }

  /** Read through a method: the state changes across awaits, which narrowing cannot see. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #since(slot: JobSlot): number {
    return Math.max(slot.sinceMs, this.#lastTicks.get(slot.stored.job.id) ?? Number.NEGATIVE_INFINITY);
  }

  #reschedule(jobId: string): void {
    const slot = this.#jobs.get(jobId);
    if (!slot) return;
    slot.nextDue = slot.stored.job.enabled ? slot.clock.nextAfter(this.#since(slot)) : undefined;
  }

  #move(to: OwnerState): void {
    if (!TRANSITIONS[this.#state].includes(to)) throw new Error(`scheduler partition owner: ${this.#state} -> ${to} is not a valid transition`);
    this.#state = to;
  }
}
