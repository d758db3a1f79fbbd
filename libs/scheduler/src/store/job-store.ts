import { decodeTaskStatus, scanTopics, schedulerJobsTopic, schedulerLogTopic, StateTopics, taskStatusTopic, type KafkaClient, type OutgoingRecord, type TaskStatusRecord } from '@switchyard/kafka';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { parseJob } from '../job/parse-job.js';
import type { ScheduledJob, ScheduledJobInput } from '../job/scheduled-job.schema.js';
import { decodeJobLogRecord, foldJobLog, withTaskStatus, type JobLogEntry, type JobLogRecord } from '../log/job-execution.v1.js';
import { fireRecords, type EventPreparer } from '../runtime/fire-records.js';
import { TickClock } from '../schedule/tick-clock.js';
import { SchedulerOptionsSchema, type SchedulerOptionsInput } from '../scheduler.options.js';
import { decodeScheduleRecord, encodeJobDeletion, encodeStoredJob, type StoredJob } from './schedule-record.v1.js';
import { ensureSchedulerTopics } from './scheduler-topics.js';

/** A job as listed: its definition, when it was created/changed, its last handled and next tick. */
export interface JobView {
  readonly job: ScheduledJob;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The newest tick fired or skipped, ISO. */
  readonly lastTick?: string;
  /** The next tick it will fire (none when paused or a past one-off). */
  readonly nextTick?: string;
}

/** What a manual run (run-now) sent. */
export interface RunReceipt {
  readonly executionId: string;
  readonly firedAt: string;
}

export interface JobStoreOptions extends Pick<SchedulerOptionsInput, 'name' | 'partitions' | 'replicationFactor' | 'logRetentionMs'> {
  /** Needed only to run-now jobs that fire events. */
  readonly events?: EventPreparer;
  readonly now?: () => number;
}

/**
 * The engine behind every front end (the lib API, `switchyard schedules`, later REST): create,
 * update, pause/resume and delete jobs in the scheduler's compacted jobs topic, list them with
 * their last and next tick, run one now, and read a job's log. Writes are durable (acks=all)
 * when the promise resolves; the owning scheduler picks them up from the topic.
 */
export class JobStore {
  readonly #client: KafkaClient;
  readonly #options: ReturnType<typeof SchedulerOptionsSchema.parse>;
  readonly #events: EventPreparer | undefined;
  readonly #now: () => number;
  readonly #state: StateTopics;

  constructor(client: KafkaClient, options: JobStoreOptions = {}) {
    const { events, now, ...rest } = options;
    this.#options = parseOrThrow(SchedulerOptionsSchema, rest, { code: 'SY_INVALID_CONFIG', what: 'JobStoreOptions' });
    this.#client = client;
    this.#events = events;
    this.#now = now ?? Date.now;
    this.#state = new StateTopics(client, [this.jobsTopic, this.logTopic], (admin) => ensureSchedulerTopics(admin, this.#options));
  }

  get jobsTopic(): string {
    return schedulerJobsTopic(this.#options.name);
  }

  get logTopic(): string {
    return schedulerLogTopic(this.#options.name);
  }

  /** Connects and creates the scheduler's topics when they do not exist yet. */
  connect(): Promise<void> {
    return this.#state.connect();
  }

  disconnect(): Promise<void> {
    return this.#state.disconnect();
  }

  /**
   * Creates a job. @throws SwitchyardError `SY_INVALID_JOB` for a bad job (naming the field) or an
   * id already in use.
   */
  async create(input: ScheduledJobInput): Promise<JobView> {
    const job = parseJob(input);
    if ((await this.#readJobs()).has(job.id)) {
      throw new SwitchyardError('SY_INVALID_JOB', `job.id: a job "${job.id}" already exists.`, { hint: 'Pick another id, or update the job (JobStore.update / delete it first).' });
    }
    const at = new Date(this.#now()).toISOString();
    await this.#write(encodeStoredJob(job, at, at));
    return { job, createdAt: at, updatedAt: at, ...this.#nextTick(job, at, at, undefined) };
  }

  /**
   * Creates or replaces many jobs in a few round trips (imports, jobs files, benchmarks). All are
   * validated first: one invalid job rejects the call (`SY_INVALID_JOB`, naming `jobs[i]`) and
   * nothing is written. A replaced job keeps its creation time (its interval anchor).
   */
  async upsertMany(inputs: readonly ScheduledJobInput[]): Promise<number> {
    const jobs = inputs.map((input, index) => {
      try {
        return parseJob(input);
      } catch (error) {
        if (error instanceof SwitchyardError) throw new SwitchyardError(error.code, `jobs[${index}]: ${error.message}`, { ...(error.hint ? { hint: error.hint } : {}), details: error.details });
        throw error;
      }
    });
    const existing = await this.#readJobs();
    const at = new Date(this.#now()).toISOString();
    const records = jobs.map((job) => encodeStoredJob(job, existing.get(job.id)?.createdAt ?? at, at));
    for (let i = 0; i < records.length; i += 1_000) await this.#state.send([{ topic: this.jobsTopic, records: records.slice(i, i + 1_000) }]);
    return records.length;
  }

  /** Replaces fields of a job (validated as a whole). Ticks up to now are not caught up after an update. */
  async update(id: string, changes: Partial<ScheduledJobInput>): Promise<JobView> {
    const current = await this.get(id);
    const job = parseJob({ ...current.job, ...changes, id });
    const at = new Date(this.#now()).toISOString();
    await this.#write(encodeStoredJob(job, current.createdAt, at));
    return { ...current, job, updatedAt: at, ...this.#nextTick(job, current.createdAt, at, current.lastTick) };
  }

  /** Disables a job: it fires nothing until resumed. */
  pause(id: string): Promise<JobView> {
    return this.update(id, { enabled: false });
  }

  /** Enables a job again; ticks that fell while it was paused are not fired. */
  resume(id: string): Promise<JobView> {
    return this.update(id, { enabled: true });
  }

  /** Deletes a job (a tombstone in the compacted topic). @throws `SY_UNKNOWN_JOB` */
  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.#write(encodeJobDeletion(id));
  }

  /** Every job, sorted by id. */
  async list(): Promise<JobView[]> {
    const jobs = await this.#readJobs();
    return [...jobs.values()].sort((a, b) => a.job.id.localeCompare(b.job.id));
  }

  /** One job. @throws SwitchyardError `SY_UNKNOWN_JOB` */
  async get(id: string): Promise<JobView> {
    const view = (await this.#readJobs()).get(id);
    if (!view) {
      throw new SwitchyardError('SY_UNKNOWN_JOB', `No job "${id}" in ${this.jobsTopic}.`, { hint: 'List the jobs (switchyard schedules list) and use one of their ids, or check --scheduler.', details: { id } });
    }
    return view;
  }

  /**
   * Fires a job once now, outside its schedule (trigger `manual`): the task or event and a job-log
   * record. Not part of the per-tick exactly-once accounting: each call is one more execution.
   */
  async runNow(id: string): Promise<RunReceipt> {
    const view = await this.get(id);
    await this.connect();
    const now = this.#now();
    const firedAt = new Date(now).toISOString();
    if (view.job.target.kind === 'event') await this.#events?.ensureDomains([view.job.target.name]);
    const fired = await fireRecords(view.job, now, 'manual', firedAt, this.#events);
    await this.#state.send([...fired.records.map((r) => ({ topic: r.topic, records: [r.record] })), { topic: this.logTopic, records: [fired.log] }]);
    return { executionId: fired.executionId, firedAt };
  }

  /**
   * The job's executions, newest first (at most `limit`), each with its latest status: the job
   * log's records, and for fired tasks not finished there, the task's latest record in its
   * queue's status topic (so outcomes show even where no scheduler follows that queue).
   */
  async log(id: string, { limit = 100 }: { limit?: number } = {}): Promise<JobLogEntry[]> {
    await this.connect();
    const records: JobLogRecord[] = [];
    await scanTopics(this.#client, [this.logTopic], (record) => {
      if (record.key?.toString('utf8') !== id) return;
      const decoded = decodeJobLogRecord(record);
      if (decoded) records.push(decoded);
    });
    const entries = foldJobLog(records).slice(0, limit);
    const open = entries.filter((e) => e.status === 'running' && e.queue);
    if (open.length === 0) return entries;
    const wanted = new Set(open.map((e) => e.executionId));
    const statuses = new Map<string, TaskStatusRecord>();
    await scanTopics(this.#client, [...new Set(open.map((e) => taskStatusTopic(e.queue!)))], (record) => {
      const key = record.key?.toString('utf8');
      if (!key || !wanted.has(key)) return;
      const status = decodeTaskStatus(record);
      if (status) statuses.set(key, status);
    });
    return entries.map((e) => (statuses.has(e.executionId) ? withTaskStatus(e, statuses.get(e.executionId)!) : e));
  }

  #write(record: OutgoingRecord): Promise<void> {
    return this.#state.send([{ topic: this.jobsTopic, records: [record] }]);
  }

  async #readJobs(): Promise<Map<string, JobView>> {
    await this.connect();
    const jobs = new Map<string, StoredJob>();
    const ticks = new Map<string, number>();
    await scanTopics(this.#client, [this.jobsTopic], (record) => {
      const decoded = decodeScheduleRecord(record);
      if (decoded?.kind === 'job') jobs.set(decoded.jobId, decoded.stored);
      else if (decoded?.kind === 'job-deleted') jobs.delete(decoded.jobId);
      else if (decoded?.kind === 'tick') ticks.set(decoded.jobId, Math.max(decoded.state.lastTick, ticks.get(decoded.jobId) ?? Number.NEGATIVE_INFINITY));
    });
    const views = new Map<string, JobView>();
    for (const [id, stored] of jobs) {
      const last = ticks.get(id);
      const lastTick = last === undefined ? undefined : new Date(last).toISOString();
      views.set(id, { job: stored.job, createdAt: stored.createdAt, updatedAt: stored.updatedAt, ...(lastTick ? { lastTick } : {}), ...this.#nextTick(stored.job, stored.createdAt, stored.updatedAt, lastTick) });
    }
    return views;
  }

  #nextTick(job: ScheduledJob, createdAt: string, updatedAt: string, lastTick: string | undefined): { nextTick?: string } {
    if (!job.enabled) return {};
    const since = Math.max(Date.parse(updatedAt), lastTick ? Date.parse(lastTick) : Number.NEGATIVE_INFINITY);
    const next = new TickClock(job.schedule, Date.parse(createdAt)).nextAfter(since);
    return next === undefined ? {} : { nextTick: new Date(next).toISOString() };
  }
}
