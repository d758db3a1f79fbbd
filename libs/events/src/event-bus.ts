import { EventBusConfigSchema, parseOrThrow, SwitchyardError, TaskRetryPolicySchema, type EventBusConfig, type EventBusConfigInput, type TaskRetryPolicy } from '@switchyard/protocol';
import { createLogger, type KafkaClient, type Logger } from '@switchyard/kafka';
import type { Registry } from 'prom-client';
import { EventCodec, type RegistryPort } from './catalog/event-codec.js';
import { EventTypeCatalog, type PayloadSchema } from './catalog/event-type-catalog.js';
import { readDeadEvents } from './dlq/dead-events.js';
import { findEventLog, type EventLogQuery, type SubscriptionLogEntry } from './log/event-log.js';
import { EventMetrics } from './metrics/event-metrics.js';
import { EventPublisher, type PublishEvent, type PublishReceipt } from './publish/event-publisher.js';
import { EventRouter, type RouteDefinition } from './route/event-router.js';
import { compileHandler, type SubscribeHandler } from './subscribe/event-handler.js';
import { Subscription } from './subscribe/subscription.js';
import { SubscriptionOptionsSchema, type SubscriptionOptionsInput } from './subscribe/subscription.options.js';
import { EventTopologyOptionsSchema, type EventTopologyOptions, type EventTopologyOptionsInput } from './topology/event-topology.js';

/** A part of an EventBusConfig this version does not do yet, and what happens instead. */
export interface UnsupportedPart {
  readonly field: string;
  readonly reason: string;
}

export interface EventBusDeps {
  readonly client: KafkaClient;
  /** Schema registry: payloads of catalogued types are registered and sent in the Confluent wire format. */
  readonly registry?: RegistryPort;
  readonly log?: Logger;
  /** Prometheus registry for the bus's metrics (default: its own). */
  readonly metricsRegistry?: Registry;
  /** Topic layout (partitions, replication); retention and priority lanes come from the config. */
  readonly topology?: Omit<EventTopologyOptionsInput, 'retentionDays' | 'priorityEnabled'>;
  /** Scopes the bus to one tenant: its publisher stamps and enforces the tenant, its subscriptions see only that tenant's events. */
  readonly tenantId?: string;
}

/** The config with our handler signature in `handlers` (and zod or JSON schemas in eventTypes). */
export type EventBusConfigOptions = Omit<EventBusConfigInput, 'handlers' | 'eventTypes'> & {
  readonly handlers?: readonly SubscribeHandler[];
  readonly eventTypes?: readonly (NonNullable<EventBusConfigInput['eventTypes']>[number] & { schema?: PayloadSchema })[];
};

type SubscribeOptions = Omit<SubscriptionOptionsInput, 'concurrency'> & { readonly concurrency?: number };

/** The protocol's EventQueueConfig.retryPolicy as the worker's policy shape (fixed / linear / exponential x2). */
function defaultPolicy(config: EventBusConfig): TaskRetryPolicy {
  const p = config.queue?.retryPolicy;
  return TaskRetryPolicySchema.parse(p ? { maxRetries: p.maxRetries, backoffStrategy: p.backoffStrategy, initialDelayMs: p.initialDelayMs, maxDelayMs: p.maxDelayMs } : {});
}

function unsupportedParts(config: EventBusConfig): UnsupportedPart[] {
  const parts: UnsupportedPart[] = [];
  if (config.eventSourcing?.enabled) parts.push({ field: 'eventSourcing', reason: 'event sourcing (aggregates, snapshots) comes in a later release; events are still published and kept for persistence.retention days' });
  if (config.messageQueue) parts.push({ field: 'messageQueue', reason: 'broker bridges come in a later release; events stay on Kafka' });
  if (config.persistence && !config.persistence.enabled) parts.push({ field: 'persistence.enabled', reason: 'Kafka keeps every published event for its topic retention (7 days by default) whatever this says; persistence.retention applies only with enabled: true' });
  if (config.persistence?.filter) parts.push({ field: 'persistence.filter', reason: 'Kafka keeps every published event for the retention period; the filter is not applied' });
  if (config.persistence && config.persistence.storage !== 'database') parts.push({ field: 'persistence.storage', reason: `events are stored in Kafka topics; storage "${config.persistence.storage}" is not used` });
  if (config.replay?.enabled === false) parts.push({ field: 'replay.enabled', reason: 'replay is the operator command `switchyard replay` reading Kafka directly; a bus config cannot turn it off (restrict it with Kafka ACLs on the topics and the replay consumer groups)' });
  if (config.queue?.deadLetterQueue) parts.push({ field: 'queue.deadLetterQueue', reason: 'dead events go to events.<domain>.dlq.<subscription> (one DLQ per subscription); the name is not used' });
  return parts;
}

/**
 * The event bus: publish, subscribe (each subscription its own consumer group), routes, the
 * type catalog with optional schema registry, the event log. Create with {@link createEventBus},
 * register subscriptions and routes, then `start()`.
 */
export class EventBus {
  readonly config: EventBusConfig;
  readonly catalog: EventTypeCatalog;
  readonly metrics: EventMetrics;
  readonly topology: EventTopologyOptions;
  /** Parts of the config this version does not do (also logged as a warning at creation). */
  readonly unsupported: readonly UnsupportedPart[];
  readonly #deps: EventBusDeps;
  readonly #log: Logger;
  readonly #codec: EventCodec;
  readonly #publisher: EventPublisher;
  readonly #policy: TaskRetryPolicy;
  readonly #pending = new Map<string, { options: SubscribeOptions; handlers: SubscribeHandler[] }>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #routes: EventRouter[] = [];
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  /** The publisher's connection, opened at start when routes need it, else on the first publish. */
  #publisherConnected: Promise<void> | undefined;

  constructor(config: EventBusConfigOptions, deps: EventBusDeps) {
    this.config = parseOrThrow(EventBusConfigSchema, config, { code: 'SY_INVALID_CONFIG', what: 'EventBusConfig' });
    this.#deps = deps;
    this.#log = deps.log ?? createLogger('events');
    this.metrics = new EventMetrics(deps.metricsRegistry);
    this.topology = parseOrThrow(
      EventTopologyOptionsSchema,
      {
        ...deps.topology,
        priorityEnabled: this.config.queue?.priorityEnabled ?? true,
        ...(this.config.persistence?.enabled ? { retentionDays: this.config.persistence.retention } : {}),
      },
      { code: 'SY_INVALID_CONFIG', what: 'event topology' },
    );
    this.catalog = new EventTypeCatalog(this.#log);
    for (const type of config.eventTypes ?? []) this.catalog.define(type);
    this.#codec = new EventCodec(this.catalog, deps.registry);
    this.#publisher = new EventPublisher({ client: deps.client, codec: this.#codec, topology: this.topology, metrics: this.metrics, ...(deps.tenantId ? { tenantId: deps.tenantId } : {}) });
    this.#policy = defaultPolicy(this.config);
    this.unsupported = unsupportedParts(this.config);
    for (const part of this.unsupported) this.#log.warn({ field: part.field }, `EventBusConfig.${part.field} is not supported yet: ${part.reason}`);
    if (config.handlers && config.handlers.length > 0) this.subscribe([...config.handlers], { name: this.config.queue?.name ?? 'events' });
  }

  /**
   * Adds handlers to a subscription (created on first use). Every process subscribing with the
   * same name shares its partitions; within one process, the handlers of a subscription run per
   * event in priority order. Returns the subscription's name.
   */
  subscribe(handlers: SubscribeHandler | readonly SubscribeHandler[], options: SubscribeOptions | string): string {
    if (this.#state !== 'idle') throw new SwitchyardError('SY_INVALID_CONFIG', `subscribe(${typeof options === 'string' ? options : options.name}) after the bus started.`, { hint: 'Register subscriptions before bus.start(), or create another bus for them.' });
    const opts: SubscribeOptions = typeof options === 'string' ? { name: options } : options;
    const list = Array.isArray(handlers) ? handlers : [handlers as SubscribeHandler];
    const entry = this.#pending.get(opts.name) ?? { options: opts, handlers: [] };
    entry.handlers.push(...list);
    this.#pending.set(opts.name, entry);
    // Validate now, so a bad handler fails at subscribe(), not at start().
    this.#build(opts.name);
    return opts.name;
  }

  /** Adds a route (started with the bus); on a tenant-scoped bus it routes only that tenant's events. */
  route(definition: RouteDefinition): void {
    this.#routes.push(new EventRouter(definition, { client: this.#deps.client, publisher: this.#publisher, codec: this.#codec, metrics: this.metrics, log: this.#log, topology: this.topology, ...(this.#deps.tenantId ? { tenantId: this.#deps.tenantId } : {}) }));
  }

  /** Defines an event type (also possible through config.eventTypes). */
  defineEventType(definition: Parameters<EventTypeCatalog['define']>[0]): void {
    this.catalog.define(definition);
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new SwitchyardError('SY_INVALID_CONFIG', 'The event bus was already started.');
    await this.#codec.registerAll();
    // Routes publish from the start; a bus that only subscribes (a webhook endpoint, a consumer
    // service) opens its publisher's transactional producer on its first publish, not here.
    if (this.#routes.length > 0) await this.#connectPublisher();
    for (const name of this.#pending.keys()) this.#subscriptions.set(name, this.#build(name));
    try {
      await Promise.all([...this.#subscriptions.values()].map((s) => s.start()));
      await Promise.all(this.#routes.map((r) => r.start()));
    } catch (error) {
      // Leave nothing half-started behind: close what did start, then report the failure.
      this.#state = 'running';
      await this.close().catch((closeError: unknown) => this.#log.warn({ err: closeError }, 'closing after a failed start failed too'));
      throw error;
    }
    this.#state = 'running';
  }

  async close(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopped';
    await Promise.all(this.#routes.map((r) => r.close()));
    await Promise.all([...this.#subscriptions.values()].map((s) => s.close()));
    const connecting = this.#publisherConnected;
    this.#publisherConnected = undefined;
    if (connecting) await connecting.catch(() => undefined).then(() => this.#publisher.disconnect());
  }

  async publish(event: PublishEvent): Promise<PublishReceipt> {
    if (this.#state === 'running') await this.#connectPublisher();
    return this.#publisher.publish(event);
  }

  async publishMany(events: readonly PublishEvent[]): Promise<PublishReceipt[]> {
    if (this.#state === 'running') await this.#connectPublisher();
    return this.#publisher.publishMany(events);
  }

  /** Connects the publisher once (a failed attempt is retried by the next call). */
  #connectPublisher(): Promise<void> {
    this.#publisherConnected ??= this.#publisher.connect().catch((error: unknown) => {
      this.#publisherConnected = undefined;
      throw error;
    });
    return this.#publisherConnected;
  }

  /** A started subscription, by name. */
  subscription(name: string): Subscription | undefined {
    return this.#subscriptions.get(name);
  }

  /** Log entries of an event (by id) or of a causal chain (by correlation id); on a tenant-scoped bus, of its tenant only. */
  findEventLog(query: EventLogQuery): Promise<SubscriptionLogEntry[]> {
    const tenantId = this.#deps.tenantId;
    return findEventLog(this.#deps.client, tenantId === undefined ? query : { ...query, tenantId });
  }

  /** Dead letters of a subscription (all its domains) as DeadLetterQueueEntry, plus unreadable records; on a tenant-scoped bus, of its tenant only. */
  deadLetters(subscription: string): ReturnType<typeof readDeadEvents> {
    return readDeadEvents(this.#deps.client, this.#codec, subscription, this.#deps.tenantId);
  }

  health(): { readonly ok: boolean; readonly reasons: string[] } {
    const reasons = [...this.#subscriptions.values()].map((s) => s.health()).filter((h) => !h.ok).map((h) => h.reason ?? h.state);
    if (this.#state !== 'running') reasons.unshift(`event bus is ${this.#state}`);
    return { ok: reasons.length === 0, reasons };
  }

  #build(name: string): Subscription {
    const entry = this.#pending.get(name)!;
    const options = parseOrThrow(
      SubscriptionOptionsSchema,
      { concurrency: this.config.queue?.concurrency ?? 10, ...entry.options, ...(this.#deps.tenantId ? { tenantId: this.#deps.tenantId } : {}) },
      { code: 'SY_INVALID_CONFIG', what: `subscription ${name}` },
    );
    const handlers = entry.handlers.map((h, i) => compileHandler(h, i, { policy: this.#policy, timeoutMs: options.defaultTimeoutMs, subscription: name }));
    return new Subscription(options, handlers, { client: this.#deps.client, codec: this.#codec, topology: this.topology, metrics: this.metrics, log: this.#log });
  }
}

/** Creates an event bus from the protocol's EventBusConfig (see `bus.unsupported` for what it does not do yet). */
export function createEventBus(config: EventBusConfigOptions, deps: EventBusDeps): EventBus {
  return new EventBus(config, deps);
}
