import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { SwitchyardError } from '@switchyard/protocol';
import {
  EVENT_HEADERS,
  RETRY_TIERS,
  decodeEventRecord,
  eventDomain,
  laneFetchRank,
  parseEventTopic,
  subscriptionGroup,
  subscriptionReplayTopic,
  subscriptionRetryTopic,
  topicsOfPatterns,
  type EventAttributes,
  type KafkaClient,
  type Logger,
} from '@switchyard/kafka';
import { ConsumeLoopRunner, consumeLoopLifecycle, errorInfo, logUncommitted, longTimeout, nextHop, TrackedOutcome, waitUntil, type ConsumeLoopState, type ErrorInfo, type Lifecycle } from '@switchyard/pipeline';
import type { EventCodec } from '../catalog/event-codec.js';
import type { EventMetrics } from '../metrics/event-metrics.js';
import { ensureEventTopics, planDedupTopic, planDomainTopics, planEventLogTopic, planSubscriptionTopics, type EventTopologyOptions } from '../topology/event-topology.js';
import { inExecutionOrder, type BusEvent, type CompiledHandler } from './event-handler.js';
import { toBusEvent } from './bus-event.js';
import { EventDedup } from './event-dedup.js';
import { HandlerExecution } from './handler-execution.js';
import type { MissingHandler } from './handler-selection.js';
import { RegistryOutage } from './registry-outage.js';
import { SubscriptionCounts, type SubscriptionCountsView } from './subscription-counts.js';
import { SubscriptionIntake } from './subscription-intake.js';
import { header, type Item } from './subscription-item.js';
import { SubscriptionRecords, domainOf, eventOutcome, type RoutedRecord } from './subscription-records.js';
import type { SubscriptionOptions } from './subscription.options.js';

export interface SubscriptionDeps {
  readonly client: KafkaClient;
  readonly codec: EventCodec;
  readonly topology: EventTopologyOptions;
  readonly metrics: EventMetrics;
  readonly log: Logger;
}

/** An outcome handed to the committer: `committed` settles when its transaction does (absent when nothing was submitted). */
interface Submitted {
  readonly committed?: Promise<void>;
}

/** A subscription's state: the pipeline's consume-loop lifecycle. */
export type SubscriptionState = ConsumeLoopState;

/**
 * One subscription: a consumer group over the event topics its handlers' patterns need, plus
 * its own retry and replay topics. Each event runs the matching handlers in priority order;
 * a failing handler is retried on its own (in memory for short backoffs, through the
 * subscription's retry topics for longer ones) and dead-lettered to `events.<domain>.dlq.<name>`
 * after its retries, while other events flow. Outcomes (retry moves, dead letters, log entries)
 * and offsets are committed in one Kafka transaction.
 *
 * The class wires the parts: intake (fetch, lanes, pauses, rebalance bookkeeping:
 * `subscription-intake.ts`), execution (handler choice, attempts, ordered-retry blocks:
 * `handler-execution.ts`), outcome records (retry, park, DLQ and log records:
 * `subscription-records.ts`) and counts (`subscription-counts.ts`), over `@switchyard/pipeline`;
 * its state follows the pipeline's consume-loop table (`consume-loop.lifecycle.ts`).
 */
export class Subscription {
  readonly options: SubscriptionOptions;
  readonly #deps: SubscriptionDeps;
  readonly #handlers: readonly CompiledHandler[];
  readonly #group: string;
  readonly #shutdown = new AbortController();
  /** Aborted when close() starts: waits that have not started a handler (a registry outage) give up at once. */
  readonly #stopping = new AbortController();
  readonly #registryOutage: RegistryOutage;
  readonly #dedup: EventDedup | undefined;
  readonly #intake: SubscriptionIntake;
  readonly #execution: HandlerExecution;
  readonly #records: SubscriptionRecords;
  readonly #counts: SubscriptionCounts;
  readonly #lifecycle: Lifecycle<SubscriptionState>;
  /** Consumer, transactional producer and committer, started and closed in the pipeline's order. */
  #runner: ConsumeLoopRunner | undefined;
  #topics: string[] = [];
  #ordered = false;

  constructor(options: SubscriptionOptions, handlers: readonly CompiledHandler[], deps: SubscriptionDeps) {
    if (handlers.length === 0) throw new SwitchyardError('SY_INVALID_CONFIG', `Subscription ${options.name} has no handlers.`, { hint: 'Register at least one handler with bus.subscribe(handler, { subscription }).' });
    const ids = new Set<string>();
    for (const h of handlers) {
      if (ids.has(h.id)) throw new SwitchyardError('SY_INVALID_CONFIG', `Subscription ${options.name} has two handlers with id "${h.id}".`, { hint: 'Handler ids must be unique within a subscription: retries and dead letters name them.' });
      ids.add(h.id);
    }
    this.options = options;
    this.#deps = deps;
    this.#handlers = inExecutionOrder(handlers);
    this.#group = subscriptionGroup(options.name);
    this.#lifecycle = consumeLoopLifecycle(`Subscription ${options.name}`);
    const { name } = options;
    const { log, metrics } = deps;
    this.#execution = new HandlerExecution({ name, handlers: this.#handlers, log, metrics, shutdown: this.#shutdown.signal, ordered: () => this.#ordered });
    this.#intake = new SubscriptionIntake({
      name,
      options,
      log,
      isRunning: () => this.#lifecycle.state === 'running',
      consumer: () => this.#runner?.consumer,
      committer: () => this.#runner?.committer,
      process: (item) => this.#process(item),
      onPartitionGone: (partition) => this.#execution.dropPartition(partition),
      onAssigned: () => void this.#dedup?.refresh(),
    });
    this.#records = new SubscriptionRecords(name);
    this.#registryOutage = new RegistryOutage({ subscription: name }, log);
    this.#dedup = options.dedup ? new EventDedup(name, options.dedup, deps.client, log) : undefined;
    this.#counts = new SubscriptionCounts(name, metrics);
    setMaxListeners(0, this.#shutdown.signal);
    setMaxListeners(0, this.#stopping.signal);
  }

  get name(): string {
    return this.options.name;
  }

  get state(): SubscriptionState {
    return this.#lifecycle.state;
  }

  /** Topics this subscription reads (known once started). */
  get topics(): readonly string[] {
    return this.#topics;
  }

  /** Events fetched and not started yet: buffered in the lanes or waiting behind their key. */
  get waiting(): number {
    return this.#intake.waiting;
  }

  /** Events handled so far by this process. */
  get counts(): SubscriptionCountsView {
    return this.#counts.view;
  }

  /** Creates missing topics, joins the group and starts consuming. */
  async start(): Promise<void> {
    if (!this.#lifecycle.canMoveTo('starting')) throw new SwitchyardError('SY_INVALID_CONFIG', `Subscription ${this.name} was already started.`, { hint: 'Create a new subscription instead of starting one again.' });
    this.#lifecycle.to('starting');
    const { client, log } = this.#deps;
    this.#topics = await this.#prepareTopics();
    const instance = this.options.instanceId ?? randomUUID().slice(0, 12);
    const { sessionTimeoutMs } = this.options;
    this.#runner = new ConsumeLoopRunner({
      client,
      // Fetches take Kafka's default 1 MiB of a partition (256 KiB held subscriptions and the worker
      // input-bound: a fetch round costs about the same time however much it brings).
      consumer: { groupId: this.#group, sessionTimeoutMs, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)), maxWaitTimeMs: this.options.fetchMaxWaitMs, minBytes: this.options.fetchMinBytes, coPartitioned: this.#ordered },
      transactionalId: `${this.#group}.${instance}`,
      trackers: this.#intake.trackers,
      commitIntervalMs: this.options.commitIntervalMs,
      maxUncommitted: this.options.maxUncommitted,
      onRoom: () => this.#intake.pumpSoon(),
      log,
      logContext: { subscription: this.name },
    });
    await this.#runner.start(
      { onAssignment: (assignment) => this.#intake.onAssignment(assignment), onRevoked: (revoked, lost) => this.#intake.onRevoked(revoked, lost), eachBatch: (batch, control) => this.#intake.onBatch(batch, control) },
      // Most urgent lane first in each fetch: a critical event's batch is handed over before the
      // backlog's. Records read in place (batchRecords in the intake): paired runs 1.0-1.5x events/s.
      { topics: this.#topics, fromBeginning: this.options.startFrom === 'earliest', autoResolve: false, partitionsConsumedConcurrently: Math.min(this.#topics.length, 16), fetchRank: laneFetchRank, rawRecords: true },
    );
    // A close() during the start wins: the subscription stays stopping/stopped.
    if (!this.#lifecycle.canMoveTo('running')) return;
    this.#lifecycle.to('running');
    log.info({ subscription: this.name, group: this.#group, topics: this.#topics.length, handlers: this.#handlers.map((h) => h.id) }, 'subscription running');
  }

  /**
   * Graceful shutdown, as a member of the group to the end: stop taking events (every partition
   * paused; buffered events dropped, their offsets uncommitted, so the next owner handles them), let
   * running handlers finish (up to shutdownTimeoutMs, then abort their signals), commit their
   * outcomes with their offsets, and only then leave the group. Leaving first would hand the
   * partitions to another instance while handlers still run here, and it would run them again.
   */
  async close(): Promise<void> {
    if (!this.#lifecycle.canMoveTo('stopping')) return;
    this.#lifecycle.to('stopping');
    this.#stopping.abort();
    this.#intake.stopTimedResumes();
    await this.#runner?.close(() => this.#drain());
    this.#lifecycle.to('stopped');
    this.#deps.log.info({ subscription: this.name }, 'subscription stopped');
  }

  /** Buffered events dropped (uncommitted: the next owner handles them); running handlers finish, aborted at shutdownTimeoutMs. */
  async #drain(): Promise<void> {
    const idle = this.#intake.dropBuffered();
    const grace = new Promise<'timeout'>((resolve) => longTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs, { unref: true }));
    if ((await Promise.race([idle, grace])) === 'timeout') {
      this.#deps.log.warn({ subscription: this.name }, 'handlers still running at the shutdown deadline: aborting them');
      this.#shutdown.abort(new SwitchyardError('SY_EVENT_HANDLER_TIMEOUT', 'subscription shutting down'));
      await idle;
    }
  }

  /** Running, the schema registry answers (when decoding needs it), and transactions land. For health endpoints. */
  health(): { readonly ok: boolean; readonly state: SubscriptionState; readonly reason?: string } {
    const state = this.#lifecycle.state;
    if (state !== 'running') return { ok: false, state, reason: `subscription ${this.name} is ${state}` };
    if (this.#registryOutage.down) return { ok: false, state, reason: 'schema registry unavailable: events wait (uncommitted) until it answers' };
    // The worker's rule (the runner's): not while the last transaction failed or finished work
    // waits past the commit interval plus the transaction timeout (a hung transaction).
    const commits = this.#runner?.commitHealth() ?? { ok: true };
    return commits.ok ? { ok: true, state } : { ok: false, state, reason: commits.reason };
  }

  /** Event topics (existing, plus those of literal domains and `domains`, created), retry tiers, replay, DLQs. */
  async #prepareTopics(): Promise<string[]> {
    const admin = this.#deps.client.admin();
    await admin.connect();
    try {
      const wanted = new Set([...this.options.domains, ...this.#handlers.flatMap((h) => (h.pattern.domain ? [h.pattern.domain] : []))]);
      await ensureEventTopics(admin, [...wanted].flatMap((d) => planDomainTopics(d, this.#deps.topology)));
      const regex = topicsOfPatterns(this.#handlers.map((h) => h.pattern));
      const eventTopics = (await admin.listTopics()).filter((t) => regex.test(t)).sort();
      const domains = [...new Set(eventTopics.map((t) => parseEventTopic(t)!.domain))];
      const described = eventTopics.length > 0 ? await admin.describeTopics(eventTopics) : [];
      const partitions = Math.max(this.#deps.topology.partitions, ...described.map((d) => d.partitions.length));
      const own = planSubscriptionTopics(this.name, domains, partitions, this.#deps.topology);
      const dedup = this.#dedup && this.options.dedup ? [planDedupTopic(this.#dedup.topic, this.options.dedup.windowMs, this.#deps.topology)] : [];
      await ensureEventTopics(admin, [...own, ...dedup, ...(this.options.eventLog ? [planEventLogTopic(this.#deps.topology)] : [])]);
      const topics = [...eventTopics, ...RETRY_TIERS.map((tier) => subscriptionRetryTopic(this.name, tier)), subscriptionReplayTopic(this.name)];
      if (this.options.orderedRetries) {
        const counts = new Map((await admin.describeTopics(topics)).map((d) => [d.topic, d.partitions.length]));
        this.#ordered = new Set(counts.values()).size === 1;
        if (!this.#ordered) this.#deps.log.warn({ subscription: this.name, partitions: Object.fromEntries(counts) }, 'ordered retries are off: the subscription\'s topics differ in partition count, so a key\'s events and retries could meet in different processes');
      }
      return topics;
    } finally {
      await admin.disconnect();
    }
  }

  /** One event from the intake: decoded, its retry hop checked, then handled; its outcome goes to the committer. */
  async #process(item: Item): Promise<void> {
    if (this.#lifecycle.state !== 'running') return;
    const { record, source } = item;
    const decoded = decodeEventRecord(record);
    if (!decoded.ok) {
      const error = new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Record ${record.topic}/${record.partition}/${record.offset} is not a CloudEvent: ${decoded.reason}.`, { hint: 'Publish with the Switchyard event bus or any CloudEvents Kafka binary-mode producer.' });
      return this.#undecodable(item, domainOf(item), errorInfo(error));
    }
    const attributes = decoded.attributes;
    if (this.options.tenantId !== undefined && attributes.tenantId !== this.options.tenantId) return this.#skip(item, attributes.name);
    if (source.kind === 'retry') {
      const notBefore = Date.parse(header(record, EVENT_HEADERS.notBefore) ?? '0') || 0;
      const remaining = nextHop(notBefore, Date.now());
      if (remaining.kind === 'tier') return this.#submit(item, [this.#records.tierMove(record, remaining.tier)]);
      if (remaining.kind === 'wait' && !(await waitUntil(notBefore, this.#shutdown.signal))) return;
    }
    // A registry outage is not the record's fault: it waits (uncommitted) until decoding gets through.
    const payload = await this.#registryOutage.decode(() => this.#deps.codec.decode(attributes, decoded.data), this.#stopping.signal);
    if (payload.ok === 'stopped') return; // closing during an outage: redelivered to the next owner
    if (!payload.ok) return this.#undecodable(item, eventDomain(attributes.name), errorInfo(payload.error));
    return this.#handle(item, attributes, payload.value);
  }

  /** A decoded event; with dedup, a fresh one whose id was handled within the window is skipped. */
  async #handle(item: Item, attributes: EventAttributes, payload: unknown): Promise<void> {
    const event = toBusEvent(attributes, payload);
    const dedup = item.source.kind === 'event' ? this.#dedup : undefined;
    if (!dedup) return void (await this.#runHandlers(item, event, []));
    if (!(await dedup.admit(event.id))) return this.#skip(item, event.name, 'duplicate');
    let outcome: Submitted = {};
    try {
      outcome = await this.#runHandlers(item, event, [dedup.marker(event.id)]);
    } finally {
      dedup.settle(event.id, outcome.committed);
    }
  }

  /** Its handlers run, then its moves, dead letters, log entry and `extra` go to the committer; `committed` settles with the commit (none when nothing was submitted). */
  async #runHandlers(item: Item, event: BusEvent, extra: RoutedRecord[]): Promise<Submitted> {
    const selection = this.#execution.select(item, event);
    const gone = selection.missing.map((m) => this.#handlerGone(item, event.name, m));
    if (selection.run.length === 0 && selection.filterFailed.length === 0) {
      if (gone.length > 0) this.#counts.handled(event.name, 'dead');
      else this.#counts.skipped(event.name);
      return { committed: this.#commit(item, [...gone, ...extra]) };
    }
    const receivedAt = Date.now();
    const ran = await this.#execution.run(item, event, selection.run);
    if (this.#shutdown.signal.aborted && ran.some((o) => o.status === 'failed' || o.status === 'timeout')) return {}; // cut short by shutdown: redelivered
    const outcomes = [...selection.filterFailed, ...ran];
    const records = [...gone, ...this.#records.ofOutcomes(item, eventDomain(event.name), outcomes, receivedAt), ...extra];
    if (this.options.eventLog) records.push(this.#records.logEntry(item, event, outcomes, receivedAt, this.options.eventLogPayload));
    this.#counts.handled(event.name, gone.length > 0 ? 'dead' : eventOutcome(outcomes));
    return { committed: this.#commit(item, records) };
  }

  #undecodable(item: Item, domain: string, error: ErrorInfo): Promise<void> {
    this.#deps.log.warn({ subscription: this.name, topic: item.record.topic, partition: item.record.partition, offset: item.record.offset, code: error.code, reason: error.message }, 'undecodable event: dead-lettered');
    this.#counts.undecodable();
    const now = new Date().toISOString();
    return this.#submit(item, [this.#records.deadLetter(item, domain, error, 0, undefined, now)]);
  }

  /** The dead letter of a retry or replay for a handler the subscription does not have. */
  #handlerGone(item: Item, eventName: string, missing: MissingHandler): RoutedRecord {
    const firstFailedAt = header(item.record, EVENT_HEADERS.firstFailureAt) ?? new Date().toISOString();
    return this.#records.deadLetter(item, eventDomain(eventName), missing.error, missing.attempts, missing.handlerId, firstFailedAt);
  }

  #skip(item: Item, eventName: string, why: 'skipped' | 'duplicate' = 'skipped'): Promise<void> {
    this.#counts.skipped(eventName, why);
    return this.#submit(item, []);
  }

  /** Hands the outcome to the committer without waiting for it (the executor slot frees now). */
  #submit(item: Item, records: RoutedRecord[]): Promise<void> {
    void this.#commit(item, records);
    return Promise.resolve();
  }

  /** Hands the outcome to the committer; resolves when it committed (failures are logged here, and rejected). */
  #commit(item: Item, records: RoutedRecord[]): Promise<void> {
    const committed = this.#runner!.committer.submit(new TrackedOutcome(records, item));
    committed.catch((error: unknown) => logUncommitted(this.#deps.log, error, { subscription: this.name }, 'outcome was not committed; the event will be redelivered'));
    return committed;
  }
}
