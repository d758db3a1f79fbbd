import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { isSwitchyardError, SwitchyardError, type TaskPriority } from '@switchyard/protocol';
import {
  CLOUDEVENT_HEADERS,
  EVENT_HEADERS,
  EVENT_LOG_TOPIC,
  RETRY_TIERS,
  decodeEventRecord,
  encodeDeadLetter,
  eventDomain,
  eventDlqTopic,
  parseEventTopic,
  parseSubscriptionTopic,
  subscriptionGroup,
  subscriptionReplayTopic,
  subscriptionRetryTopic,
  type BatchControl,
  type ConsumerPort,
  type IncomingRecord,
  type KafkaClient,
  type Logger,
  type OutgoingRecord,
  type ProducerPort,
  type RecordBatch,
  type RetryTier,
} from '@switchyard/kafka';
import {
  KeyBlocks,
  KeyedExecutor,
  LaneDispatcher,
  RoomPauses,
  TimedPauses,
  OffsetTrackers,
  TransactionalCommitter,
  logUncommitted,
  chooseTier,
  computeBackoffMs,
  errorInfo,
  nextHop,
  shouldRetry,
  tierDueAt,
  type ErrorInfo,
  type PartitionOffsetTracker,
} from '@switchyard/pipeline';
import type { EventCodec } from '../catalog/event-codec.js';
import { encodeLogEntry } from '../log/event-log.js';
import type { EventMetrics } from '../metrics/event-metrics.js';
import { topicsOfPatterns } from '../patterns/event-pattern.js';
import { ensureEventTopics, planDomainTopics, planEventLogTopic, planSubscriptionTopics, type EventTopologyOptions } from '../topology/event-topology.js';
import { inExecutionOrder, type BusEvent, type CompiledHandler } from './event-handler.js';
import { runHandlerOnce } from './handler-attempt.js';
import { toBusEvent } from './bus-event.js';
import type { SubscriptionOptions } from './subscription.options.js';

const iso = (ms: number) => new Date(ms).toISOString();
/** Headers the bus sets on records it moves; dropped before a record is moved again. */
const MOVE_HEADERS = new Set<string>([EVENT_HEADERS.handler, EVENT_HEADERS.attempt, EVENT_HEADERS.notBefore, EVENT_HEADERS.firstFailureAt, EVENT_HEADERS.targetHandlers, EVENT_HEADERS.parkedBehind]);
const SHORTEST_TIER = RETRY_TIERS[0]!;

type Source = { readonly kind: 'event'; readonly domain: string } | { readonly kind: 'retry'; readonly tier: RetryTier } | { readonly kind: 'replay' };

interface Item {
  readonly record: IncomingRecord;
  readonly lane: TaskPriority;
  readonly source: Source;
  readonly tracker: PartitionOffsetTracker;
}

/** How one handler ended for one event (`parked`: it did not run; it waits behind an earlier event of its key). */
interface HandlerOutcome {
  readonly handler: CompiledHandler;
  readonly status: 'success' | 'failed' | 'timeout' | 'parked';
  readonly attempt: number;
  readonly durationMs: number;
  readonly error?: ErrorInfo;
  /** Set when the handler is retried later through a retry topic. */
  readonly retry?: { readonly notBefore: number; readonly tier: RetryTier };
  readonly dead?: boolean;
  readonly parked?: { readonly notBefore: number; readonly tier: RetryTier; readonly behind: string };
}

export interface SubscriptionDeps {
  readonly client: KafkaClient;
  readonly codec: EventCodec;
  readonly topology: EventTopologyOptions;
  readonly metrics: EventMetrics;
  readonly log: Logger;
}

export type SubscriptionState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * One subscription: a consumer group over the event topics its handlers' patterns need, plus
 * its own retry and replay topics. Each event runs the matching handlers in priority order;
 * a failing handler is retried on its own (in memory for short backoffs, through the
 * subscription's retry topics for longer ones) and dead-lettered to `events.<domain>.dlq.<name>`
 * after its retries, while other events flow. Outcomes (retry moves, dead letters, log entries)
 * and offsets are committed in one Kafka transaction.
 */
export class Subscription {
  readonly options: SubscriptionOptions;
  readonly #deps: SubscriptionDeps;
  readonly #handlers: readonly CompiledHandler[];
  readonly #byId: ReadonlyMap<string, CompiledHandler>;
  readonly #group: string;
  readonly #trackers = new OffsetTrackers();
  readonly #dispatcher: LaneDispatcher<Item>;
  readonly #executor: KeyedExecutor;
  readonly #shutdown = new AbortController();
  readonly #timedPauses = new TimedPauses(() => this.#consumer, () => this.#state === 'running');
  readonly #roomPauses = new RoomPauses(() => this.#consumer);
  readonly #counts = { completed: 0, failed: 0, dead: 0, skipped: 0, parked: 0 };
  #state: SubscriptionState = 'idle';
  #consumer: ConsumerPort | undefined;
  #producer: ProducerPort | undefined;
  #committer: TransactionalCommitter | undefined;
  /** Events handed to the executor and not settled yet (part of the committer's rerun window). */
  #dispatched = 0;
  #owned: ReadonlySet<string> = new Set<string>();
  #topics: string[] = [];
  /** Ordered retries: per (key, handler), the events in the retry path in the order they must run. */
  readonly #blocks = new KeyBlocks();
  readonly #headNotBefore = new Map<string, number>();
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
    this.#byId = new Map(this.#handlers.map((h) => [h.id, h]));
    this.#group = subscriptionGroup(options.name);
    this.#dispatcher = new LaneDispatcher<Item>({ bufferSize: options.bufferSize, minLowerLaneShare: options.minLowerLaneShare });
    this.#executor = new KeyedExecutor({ concurrency: options.concurrency, ...(options.perTenantConcurrency ? { perTenantConcurrency: options.perTenantConcurrency } : {}) });
    setMaxListeners(0, this.#shutdown.signal);
  }

  get name(): string {
    return this.options.name;
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  /** Topics this subscription reads (known once started). */
  get topics(): readonly string[] {
    return this.#topics;
  }

  /** Events fetched and not started yet: buffered in the lanes or waiting behind their key. */
  get waiting(): number {
    return this.#dispatcher.size() + this.#executor.pending;
  }

  /** Events handled so far by this process. */
  get counts(): Readonly<{ completed: number; failed: number; dead: number; skipped: number; parked: number }> {
    return { ...this.#counts };
  }

  /** Creates missing topics, joins the group and starts consuming. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new SwitchyardError('SY_INVALID_CONFIG', `Subscription ${this.name} was already started.`);
    this.#state = 'starting';
    const { client, log } = this.#deps;
    this.#topics = await this.#prepareTopics();
    const instance = this.options.instanceId ?? randomUUID().slice(0, 12);
    this.#producer = client.producer({ transactionalId: `${this.#group}.${instance}` });
    this.#consumer = client.consumer({ groupId: this.#group, sessionTimeoutMs: this.options.sessionTimeoutMs, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: Math.min(3_000, Math.floor(this.options.sessionTimeoutMs / 3)), maxWaitTimeMs: this.options.fetchMaxWaitMs, minBytes: this.options.fetchMinBytes, maxBytesPerPartition: 256 * 1024, coPartitioned: this.#ordered });
    this.#committer = new TransactionalCommitter({ producer: this.#producer, consumer: this.#consumer, trackers: this.#trackers, intervalMs: this.options.commitIntervalMs, maxUncommitted: this.options.maxUncommitted, log, onRoom: () => setImmediate(() => this.#pump()) });
    await Promise.all([this.#producer.connect(), this.#consumer.connect()]);
    this.#consumer.onGroupJoin(({ assignment }) => this.#onAssignment(assignment));
    // Partitions about to move: commit their finished outcomes (with their offsets) while still owned.
    // Lost ones (this member was fenced out of the group): forget them and drop their work.
    this.#consumer.onPartitionsRevoked((revoked, lost) => {
      if (!lost) return this.#committer?.flush();
      const keys = new Set(revoked.flatMap(({ topic, partitions = [] }) => partitions.map((p) => `${topic}\u0000${p}`)));
      this.#forget(keys, new Set([...this.#owned].filter((key) => !keys.has(key))));
      return undefined;
    });
    this.#consumer.onCrash((error, restart) => log.error({ err: error, restart, subscription: this.name }, 'subscription consumer crashed'));
    await this.#consumer.subscribe(this.#topics, { fromBeginning: this.options.startFrom === 'earliest' });
    this.#committer.start();
    await this.#consumer.run({ autoResolve: false, partitionsConsumedConcurrently: Math.min(this.#topics.length, 16), eachBatch: (batch, control) => this.#onBatch(batch, control) });
    this.#state = 'running';
    log.info({ subscription: this.name, group: this.#group, topics: this.#topics.length, handlers: this.#handlers.map((h) => h.id) }, 'subscription running');
  }

  /** Stops fetching, lets running handlers finish (up to shutdownTimeoutMs), commits, leaves the group. */
  async close(): Promise<void> {
    if (this.#state !== 'running' && this.#state !== 'starting') return;
    this.#state = 'stopping';
    this.#timedPauses.clear();
    await this.#consumer?.stop();
    this.#dispatcher.drop(() => true);
    const idle = this.#executor.onIdle();
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs).unref());
    if ((await Promise.race([idle, grace])) === 'timeout') {
      this.#deps.log.warn({ subscription: this.name }, 'handlers still running at the shutdown deadline: aborting them');
      this.#shutdown.abort(new SwitchyardError('SY_EVENT_HANDLER_TIMEOUT', 'subscription shutting down'));
      await idle;
    }
    await this.#committer?.stop();
    await Promise.all([this.#consumer?.disconnect(), this.#producer?.disconnect()]);
    this.#state = 'stopped';
    this.#deps.log.info({ subscription: this.name }, 'subscription stopped');
  }

  /** Running, and transactions land. For health endpoints. */
  health(): { readonly ok: boolean; readonly state: SubscriptionState; readonly reason?: string } {
    if (this.#state !== 'running') return { ok: false, state: this.#state, reason: `subscription ${this.name} is ${this.#state}` };
    const failures = this.#committer?.consecutiveFailures ?? 0;
    if (failures >= 5) return { ok: false, state: this.#state, reason: `${failures} transactions failed in a row` };
    return { ok: true, state: this.#state };
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
      await ensureEventTopics(admin, [...own, ...(this.options.eventLog ? [planEventLogTopic(this.#deps.topology)] : [])]);
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

  #sourceOf(topic: string): Source | undefined {
    const event = parseEventTopic(topic);
    if (event) return { kind: 'event', domain: event.domain };
    const own = parseSubscriptionTopic(topic);
    if (!own || own.subscription !== this.name) return undefined;
    if (own.kind === 'replay') return { kind: 'replay' };
    const tier = RETRY_TIERS.find((t) => t.name === own.tier);
    return tier ? { kind: 'retry', tier } : undefined;
  }

  async #onBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    const source = this.#sourceOf(batch.topic);
    if (!source) return;
    const tracker = this.#trackers.forPartition(batch.topic, batch.partition);
    const topicLane = parseEventTopic(batch.topic)?.lane ?? 'normal';
    let fullest: TaskPriority = topicLane;
    for (const record of batch.records) {
      if (!control.isRunning() || control.isStale() || this.#state !== 'running') return;
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
    this.#pump();
  }

  /** Starts buffered events while there is room: most urgent lane first. */
  #pump(): void {
    if (this.#state !== 'running') return;
    const committer = this.#committer!;
    while (this.#executor.hasRoom() && committer.hasRoom(this.#dispatched)) {
      const item = this.#dispatcher.next();
      if (!item) break;
      const key = item.record.key?.toString('utf8');
      this.#dispatched++;
      void this.#executor
        .run(key, key, () => this.#process(item))
        .catch((error: unknown) => this.#deps.log.error({ err: error, subscription: this.name, offset: item.record.offset }, 'event processing failed unexpectedly; it will be redelivered'))
        .finally(() => {
          this.#dispatched--;
          setImmediate(() => this.#pump());
        });
    }
    this.#roomPauses.resumeWithRoom((lane) => this.#dispatcher.hasRoom(lane));
  }

  async #process(item: Item): Promise<void> {
    if (this.#state !== 'running') return;
    const { record, source } = item;
    const decoded = decodeEventRecord(record);
    if (!decoded.ok) {
      const error = new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Record ${record.topic}/${record.partition}/${record.offset} is not a CloudEvent: ${decoded.reason}.`, { hint: 'Publish with the Switchyard event bus or any CloudEvents Kafka binary-mode producer.' });
      return this.#deadRecord(item, this.#domainOf(item), errorInfo(error), 0, undefined, 'undecodable');
    }
    const attributes = decoded.attributes;
    if (this.options.tenantId !== undefined && attributes.tenantId !== this.options.tenantId) return this.#skip(item, attributes.name);
    if (source.kind === 'retry') {
      const remaining = nextHop(Date.parse(header(record, EVENT_HEADERS.notBefore) ?? '0') || 0, Date.now());
      if (remaining.kind === 'tier') return this.#submit(item, [{ topic: subscriptionRetryTopic(this.name, remaining.tier), record: movedRecord(record, {}) }]);
      if (remaining.kind === 'wait' && !(await sleep(remaining.ms, true, { signal: this.#shutdown.signal }).catch(() => false))) return;
    }
    let payload: unknown;
    try {
      payload = await this.#deps.codec.decode(attributes, decoded.data);
    } catch (error) {
      return this.#deadRecord(item, eventDomain(attributes.name), errorInfo(error), 0, undefined, 'undecodable');
    }
    const event = toBusEvent(attributes, payload);
    const handlers = this.#select(item, event);
    if (handlers.length === 0) return this.#skip(item, event.name);
    const receivedAt = Date.now();
    const outcomes = await this.#runHandlers(item, event, handlers);
    if (this.#shutdown.signal.aborted && outcomes.some((o) => o.status === 'failed' || o.status === 'timeout')) return; // cut short by shutdown: redelivered
    const records: { topic: string; record: OutgoingRecord }[] = [];
    const firstFailureAt = header(record, EVENT_HEADERS.firstFailureAt);
    for (const o of outcomes) {
      if (o.retry) {
        records.push(this.#handlerMove(record, o, o.retry, { [EVENT_HEADERS.firstFailureAt]: firstFailureAt ?? iso(receivedAt) }));
      } else if (o.dead) {
        records.push(this.#deadLetter(item, eventDomain(attributes.name), o.error!, o.attempt, o.handler.id, firstFailureAt ?? iso(receivedAt)));
      } else if (o.parked) {
        records.push(this.#handlerMove(record, o, o.parked, { [EVENT_HEADERS.parkedBehind]: o.parked.behind, ...(firstFailureAt ? { [EVENT_HEADERS.firstFailureAt]: firstFailureAt } : {}) }));
      }
    }
    const executed = outcomes.filter((o): o is HandlerOutcome & { status: 'success' | 'failed' | 'timeout' } => o.status !== 'parked');
    const failed = executed.some((o) => o.status !== 'success');
    const parked = executed.length < outcomes.length;
    if (this.options.eventLog) {
      records.push({
        topic: EVENT_LOG_TOPIC,
        record: encodeLogEntry({
          id: `${this.name}/${record.topic}/${record.partition}/${record.offset}`,
          subscription: this.name,
          event: this.options.eventLogPayload ? event : { id: event.id, name: event.name, payload: null, metadata: event.metadata },
          status: failed ? 'failed' : parked ? 'pending' : 'completed',
          handlersExecuted: executed.map((o) => ({ handlerId: o.handler.id, status: o.status, durationMs: Math.round(o.durationMs), ...(o.error ? { error: o.error.message } : {}) })),
          receivedAt: iso(receivedAt),
          processedAt: iso(Date.now()),
          totalDurationMs: Date.now() - receivedAt,
        }),
      });
    }
    const dead = outcomes.some((o) => o.dead);
    const outcome = dead ? 'dead' : failed ? 'failed' : parked ? 'parked' : 'completed';
    if (dead) this.#counts.dead++;
    else if (failed) this.#counts.failed++;
    else if (parked) this.#counts.parked++;
    else this.#counts.completed++;
    this.#deps.metrics.consumed.inc({ subscription: this.name, event: event.name, outcome });
    return this.#submit(item, records);
  }

  /** Handlers that take this event: matching pattern and filter; a retry names its one handler, a replay may name several. */
  #select(item: Item, event: BusEvent): CompiledHandler[] {
    if (item.source.kind === 'retry') {
      const handler = this.#byId.get(header(item.record, EVENT_HEADERS.handler) ?? '');
      if (!handler) this.#deps.log.warn({ subscription: this.name, handler: header(item.record, EVENT_HEADERS.handler), eventId: event.id }, 'retry for a handler this subscription no longer has: skipped');
      return handler ? [handler] : [];
    }
    const targets = item.source.kind === 'replay' ? header(item.record, EVENT_HEADERS.targetHandlers)?.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    return this.#handlers.filter((h) => {
      if (targets && targets.length > 0 && !targets.includes(h.id)) return false;
      if (!h.pattern.matches(event.name)) return false;
      try {
        return h.filter ? h.filter(event) : true;
      } catch (error) {
        this.#deps.log.warn({ err: error, handler: h.id, eventId: event.id }, 'handler filter threw: the handler does not take the event');
        return false;
      }
    });
  }

  /** Blocking handlers run alone, in priority order; adjacent background handlers run together. */
  async #runHandlers(item: Item, event: BusEvent, handlers: readonly CompiledHandler[]): Promise<HandlerOutcome[]> {
    const base = item.source.kind === 'retry' ? Number(header(item.record, EVENT_HEADERS.attempt) ?? 0) || 0 : 0;
    const outcomes: HandlerOutcome[] = [];
    let wave: Promise<HandlerOutcome>[] = [];
    for (const handler of handlers) {
      if (handler.background) {
        wave.push(this.#runHandler(item, event, handler, base));
        continue;
      }
      outcomes.push(...(await Promise.all(wave)));
      wave = [];
      outcomes.push(await this.#runHandler(item, event, handler, base));
    }
    outcomes.push(...(await Promise.all(wave)));
    return outcomes;
  }

  /** One handler until it succeeds, needs a retry topic, or is dead. Backoffs under the shortest tier are waited in memory. */
  async #runHandler(item: Item, event: BusEvent, handler: CompiledHandler, attemptsBefore: number): Promise<HandlerOutcome> {
    const { record } = item;
    const blockKey = this.#ordered && record.key !== null ? `${record.key.toString('utf8')}\u0000${handler.id}` : undefined;
    if (blockKey !== undefined && this.#blocks.isBlocked(blockKey) && this.#blocks.head(blockKey) !== event.id) return this.#park(item, event, handler, blockKey);
    const outcome = await this.#attempts(item, event, handler, attemptsBefore);
    if (blockKey !== undefined) {
      if (outcome.retry) {
        this.#blocks.enqueue(blockKey, event.id, record.partition);
        this.#headNotBefore.set(blockKey, outcome.retry.notBefore);
      } else if (outcome.status === 'success' || outcome.dead) {
        this.#blocks.release(blockKey, event.id);
        if (!this.#blocks.isBlocked(blockKey)) this.#headNotBefore.delete(blockKey);
      }
    }
    return outcome;
  }

  /** A later event of a blocked (key, handler): into the retry topics, behind the key's head, without running. */
  #park(item: Item, event: BusEvent, handler: CompiledHandler, blockKey: string): HandlerOutcome {
    const behind = this.#blocks.head(blockKey)!;
    this.#blocks.enqueue(blockKey, event.id, item.record.partition);
    const now = Date.now();
    const notBefore = Math.max(this.#headNotBefore.get(blockKey) ?? now, now + SHORTEST_TIER.delayMs);
    const attempt = item.source.kind === 'retry' ? Number(header(item.record, EVENT_HEADERS.attempt) ?? 0) || 0 : 0;
    return { handler, status: 'parked', attempt, durationMs: 0, parked: { notBefore, tier: chooseTier(notBefore - now) ?? SHORTEST_TIER, behind } };
  }

  async #attempts(item: Item, event: BusEvent, handler: CompiledHandler, attemptsBefore: number): Promise<HandlerOutcome> {
    const { record } = item;
    let attempt = attemptsBefore;
    for (;;) {
      attempt++;
      const result = await runHandlerOnce(handler, event, { subscription: this.name, handlerId: handler.id, attempt, log: this.#deps.log, record: { topic: record.topic, partition: record.partition, offset: record.offset } }, this.#shutdown.signal);
      const status = result.ok ? 'success' : result.timedOut ? 'timeout' : 'failed';
      this.#deps.metrics.handlerRuns.inc({ subscription: this.name, handler: handler.id, status });
      this.#deps.metrics.handlerDuration.observe({ subscription: this.name, handler: handler.id }, result.durationMs / 1000);
      if (result.ok) return { handler, status, attempt, durationMs: result.durationMs };
      const error = handlerErrorInfo(result.error);
      if (this.#shutdown.signal.aborted) return { handler, status, attempt, durationMs: result.durationMs, error };
      const decision = shouldRetry(handler.policy, attempt, result.error);
      if (!decision.retry) {
        this.#deps.log.warn({ subscription: this.name, handler: handler.id, eventId: event.id, event: event.name, attempt, reason: decision.reason, code: error.code }, 'event handler gave up: dead-lettered');
        return { handler, status, attempt, durationMs: result.durationMs, error, dead: true };
      }
      const delay = computeBackoffMs(handler.policy, attempt);
      const tier = chooseTier(delay);
      if (tier) return { handler, status, attempt, durationMs: result.durationMs, error, retry: { notBefore: Date.now() + delay, tier } };
      if (!(await sleep(delay, true, { signal: this.#shutdown.signal }).catch(() => false))) return { handler, status, attempt, durationMs: result.durationMs, error };
    }
  }

  /** One handler's record into a retry tier (a retry, or a park behind its key), due at `due.notBefore`. */
  #handlerMove(record: IncomingRecord, o: HandlerOutcome, due: { readonly notBefore: number; readonly tier: RetryTier }, extra: Readonly<Record<string, string>>): { topic: string; record: OutgoingRecord } {
    return {
      topic: subscriptionRetryTopic(this.name, due.tier),
      record: movedRecord(record, { [EVENT_HEADERS.handler]: o.handler.id, [EVENT_HEADERS.attempt]: String(o.attempt), [EVENT_HEADERS.notBefore]: iso(due.notBefore), ...extra }),
    };
  }

  #domainOf(item: Item): string {
    if (item.source.kind === 'event') return item.source.domain;
    const origin = header(item.record, EVENT_HEADERS.origin)?.split('/')[0];
    const parsed = origin ? parseEventTopic(origin) : undefined;
    const type = header(item.record, CLOUDEVENT_HEADERS.type);
    return parsed?.domain ?? (type ? eventDomain(type).replace(/[^a-z0-9_]/g, '') : 'unknown');
  }

  #deadLetter(item: Item, domain: string, error: ErrorInfo, attempts: number, handlerId: string | undefined, firstFailedAt: string): { topic: string; record: OutgoingRecord } {
    const now = iso(Date.now());
    const origin = parseOrigin(header(item.record, EVENT_HEADERS.origin)) ?? { topic: item.record.topic, partition: item.record.partition, offset: item.record.offset };
    return {
      topic: eventDlqTopic(domain, this.name),
      record: encodeDeadLetter(item.record, { code: error.code, error, origin, attempts, firstFailedAt, lastFailedAt: now, deadAt: now, ...(handlerId ? { failedHandler: handlerId } : {}) }),
    };
  }

  #deadRecord(item: Item, domain: string, error: ErrorInfo, attempts: number, handlerId: string | undefined, outcome: 'undecodable'): Promise<void> {
    this.#deps.log.warn({ subscription: this.name, topic: item.record.topic, partition: item.record.partition, offset: item.record.offset, code: error.code, reason: error.message }, 'undecodable event: dead-lettered');
    this.#counts.dead++;
    this.#deps.metrics.consumed.inc({ subscription: this.name, event: 'unknown', outcome });
    return this.#submit(item, [this.#deadLetter(item, domain, error, attempts, handlerId, iso(Date.now()))]);
  }

  #skip(item: Item, eventName: string): Promise<void> {
    this.#counts.skipped++;
    this.#deps.metrics.consumed.inc({ subscription: this.name, event: eventName, outcome: 'skipped' });
    return this.#submit(item, []);
  }

  #submit(item: Item, records: { topic: string; record: OutgoingRecord }[]): Promise<void> {
    const committed = this.#committer!.submit({ records, complete: () => item.tracker.complete(item.record.offset), source: item.record, stale: () => item.tracker.revoked });
    committed.catch((error: unknown) => logUncommitted(this.#deps.log, error, { subscription: this.name }, 'outcome was not committed; the event will be redelivered'));
    return Promise.resolve();
  }

  /** After a rebalance: forget buffered events and offsets of partitions this process lost. */
  #onAssignment(assignment: Readonly<Record<string, readonly number[]>>): void {
    const owned = new Set(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}\u0000${p}`)));
    this.#roomPauses.clear();
    this.#forget([...this.#owned].filter((key) => !owned.has(key)), owned);
    this.#deps.log.info({ subscription: this.name, partitions: owned.size }, 'partitions assigned');
  }

  /**
   * Lets go of partitions (`topic\u0000partition` keys) now owned elsewhere: trackers revoked (so
   * outcomes of their events still running or waiting for a transaction are dropped unwritten),
   * buffered events and key blocks dropped. `owned` is what stays.
   */
  #forget(gone: Iterable<string>, owned: ReadonlySet<string>): void {
    const ownedPartitions = new Set([...owned].map((key) => Number(key.split('\u0000')[1])));
    for (const key of gone) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      this.#trackers.revoke(topic, Number(partition));
      // Co-partitioned: partition N of every topic moved together, and its keys' blocks with it.
      if (!ownedPartitions.has(Number(partition))) this.#blocks.dropPartition(Number(partition));
    }
    this.#dispatcher.drop((item) => item.tracker.revoked);
    this.#owned = owned;
    void this.#committer?.prune();
  }
}

/** errorInfo, with the event bus's code for a plain handler failure. */
function handlerErrorInfo(error: unknown): ErrorInfo {
  const info = errorInfo(error);
  return info.code === 'SY_TASK_FAILED' && !isSwitchyardError(error) ? { ...info, code: 'SY_EVENT_HANDLER_FAILED' } : info;
}

function header(record: IncomingRecord, name: string): string | undefined {
  return record.headers[name]?.toString('utf8');
}

function laneOfHeader(record: IncomingRecord): TaskPriority {
  const value = header(record, CLOUDEVENT_HEADERS.priority);
  return value === 'critical' || value === 'high' || value === 'low' || value === 'background' ? value : 'normal';
}

function parseOrigin(text: string | undefined): { topic: string; partition: number; offset: string } | undefined {
  const match = text ? /^(.+)\/(\d+)\/(\d+)$/.exec(text) : null;
  return match ? { topic: match[1]!, partition: Number(match[2]), offset: match[3]! } : undefined;
}

/** A record moved to a retry topic: same key, value and CloudEvents headers; our move headers replaced; the first origin kept. */
function movedRecord(record: IncomingRecord, headers: Readonly<Record<string, string>>): OutgoingRecord {
  // A move between tiers (no new headers) keeps the retry headers; a new retry replaces them.
  const replacing = Object.keys(headers).length > 0;
  const kept = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !replacing || !MOVE_HEADERS.has(name)));
  return {
    key: record.key,
    value: record.value,
    headers: { ...kept, [EVENT_HEADERS.origin]: kept[EVENT_HEADERS.origin] ?? `${record.topic}/${record.partition}/${record.offset}`, ...headers },
  };
}
