import { createLogger, type KafkaClient, type Logger } from '@switchyard/kafka';
import type { EventTopologyOptionsInput } from '@switchyard/events';
import { parseOrThrow, SwitchyardError } from '@switchyard/protocol';
import { WebhookMetrics } from '../metrics/webhook-metrics.js';
import type { WebhookTransform } from '../payload/webhook-message.js';
import type { StoredEndpoint } from '../registry/endpoint-record.v1.js';
import { WebhookEndpointRegistry } from '../registry/endpoint-registry.js';
import { SsrfGuard, type HostLookup } from '../ssrf/ssrf-guard.js';
import { DeliveryLogWriter } from './delivery-log.js';
import { WebhookDispatcherOptionsSchema, type WebhookDispatcherOptions, type WebhookDispatcherOptionsInput } from './dispatcher.options.js';
import { EndpointRunner, subscriptionShape } from './endpoint-runner.js';

export interface WebhookDispatcherDeps {
  readonly log?: Logger;
  readonly metrics?: WebhookMetrics;
  /** Transforms per endpoint id (code cannot live in the endpoints topic). */
  readonly transforms?: Readonly<Record<string, WebhookTransform>>;
  /** Topic layout of event topics the subscriptions create (partitions, replication). */
  readonly topology?: Omit<EventTopologyOptionsInput, 'retentionDays' | 'priorityEnabled'>;
  /** DNS for the SSRF guard (tests). */
  readonly lookup?: HostLookup;
}

/**
 * Delivers events to every enabled endpoint of the registry: one {@link EndpointRunner} (its own
 * event-bus subscription) per endpoint, reconciled with the endpoints topic every
 * `reconcileIntervalMs`: an added or enabled endpoint starts, one whose pattern, tenant, timeout,
 * retry policy, concurrency or ordering changed restarts, a disabled or removed one stops (its
 * consumer group keeps its position, its DLQ stays browsable). URL, headers, authentication and
 * secrets are read at each attempt. A 410 disables the endpoint in the registry.
 */
export class WebhookDispatcher {
  readonly options: WebhookDispatcherOptions;
  readonly metrics: WebhookMetrics;
  readonly registry: WebhookEndpointRegistry;
  readonly #client: KafkaClient;
  readonly #deps: WebhookDispatcherDeps;
  readonly #log: Logger;
  readonly #guard: SsrfGuard;
  readonly #deliveryLog: DeliveryLogWriter;
  readonly #runners = new Map<string, EndpointRunner>();
  readonly #disabling = new Set<string>();
  #table = new Map<string, StoredEndpoint>();
  #timer: NodeJS.Timeout | undefined;
  #reconciling: Promise<void> = Promise.resolve();
  #state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(client: KafkaClient, options: WebhookDispatcherOptionsInput = {}, deps: WebhookDispatcherDeps = {}) {
    this.options = parseOrThrow(WebhookDispatcherOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'WebhookDispatcherOptions' });
    this.#client = client;
    this.#deps = deps;
    this.#log = deps.log ?? createLogger('webhooks');
    this.metrics = deps.metrics ?? new WebhookMetrics();
    this.#guard = new SsrfGuard(this.options.ssrf, deps.lookup);
    const { registryTopic, replicationFactor } = this.options;
    this.registry = new WebhookEndpointRegistry(client, { replicationFactor, ...(registryTopic ? { topic: registryTopic } : {}) });
    this.#deliveryLog = new DeliveryLogWriter(client, { topic: this.options.deliveriesTopic, partitions: this.options.deliveriesPartitions, replicationFactor, retentionMs: this.options.deliveriesRetentionMs }, this.#log);
  }

  /** Connects, starts the enabled endpoints, then follows the endpoints topic. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new SwitchyardError('SY_INVALID_CONFIG', 'The webhook dispatcher was already started.', { hint: 'Create a new dispatcher.' });
    this.#state = 'running';
    await Promise.all([this.registry.connect(), this.#deliveryLog.connect()]);
    await this.reconcile();
    this.#timer = setInterval(() => void this.reconcile(), this.options.reconcileIntervalMs);
  }

  /** Stops every endpoint (running deliveries finish up to shutdownTimeoutMs) and disconnects. */
  async close(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#state = 'stopped';
    clearInterval(this.#timer);
    await this.#reconciling;
    await Promise.all([...this.#runners.values()].map((runner) => runner.stop()));
    this.#runners.clear();
    await Promise.all([this.registry.disconnect(), this.#deliveryLog.disconnect()]);
  }

  /** Reads the endpoints topic and starts, restarts or stops endpoints to match (one pass at a time). */
  reconcile(): Promise<void> {
    this.#reconciling = this.#reconciling.then(() => this.#reconcileOnce()).catch((error: unknown) => this.#log.error({ err: error }, 'reading the webhook endpoints failed; retrying at the next interval'));
    return this.#reconciling;
  }

  /** Endpoint ids with a running subscription, and each one's subscription name. */
  running(): ReadonlyMap<string, string> {
    return new Map([...this.#runners].map(([id, runner]) => [id, runner.subscription]));
  }

  health(): { readonly ok: boolean; readonly reasons: string[] } {
    const reasons = [...this.#runners.values()].flatMap((runner) => runner.health().reasons);
    if (this.#state !== 'running') reasons.unshift(`webhook dispatcher is ${this.#state}`);
    return { ok: reasons.length === 0, reasons };
  }

  async #reconcileOnce(): Promise<void> {
    if (this.#state !== 'running') return;
    this.#table = await this.registry.snapshot();
    for (const [id, runner] of this.#runners) {
      const stored = this.#table.get(id);
      if (stored?.endpoint.enabled && subscriptionShape(stored) === runner.shape) continue;
      this.#runners.delete(id);
      await runner.stop();
      this.#log.info({ endpointId: id, subscription: runner.subscription, reason: stored ? (stored.endpoint.enabled ? 'changed' : 'disabled') : 'removed' }, 'webhook endpoint stopped');
    }
    for (const [id, stored] of this.#table) {
      if (!stored.endpoint.enabled) this.#disabling.delete(id);
      if (!stored.endpoint.enabled || this.#runners.has(id) || this.#state !== 'running') continue;
      await this.#start(stored);
    }
  }

  async #start(stored: StoredEndpoint): Promise<void> {
    const id = stored.endpoint.id;
    try {
      const runner = new EndpointRunner(stored, {
        client: this.#client,
        options: this.options,
        guard: this.#guard,
        metrics: this.metrics,
        log: this.#log,
        deliveryLog: this.#deliveryLog,
        current: () => this.#table.get(id),
        onGone: (endpointId, reason) => this.#disable(endpointId, reason),
        ...(this.#deps.topology ? { topology: this.#deps.topology } : {}),
        ...(this.#deps.transforms?.[id] ? { transform: this.#deps.transforms[id] } : {}),
      });
      await runner.start();
      this.#runners.set(id, runner);
      this.#log.info({ endpointId: id, subscription: runner.subscription, eventPattern: stored.endpoint.eventPattern }, 'webhook endpoint started');
    } catch (error) {
      this.#log.error({ err: error, endpointId: id }, 'webhook endpoint could not start; retrying at the next interval');
    }
  }

  /** 410 Gone: disable in the registry once, then stop at once (not waiting for the interval). */
  #disable(endpointId: string, reason: string): void {
    if (this.#disabling.has(endpointId)) return;
    this.#disabling.add(endpointId);
    this.#log.warn({ endpointId, reason }, 'webhook endpoint answered 410 Gone: disabling it');
    this.registry
      .disable(endpointId, reason)
      .then(() => this.reconcile())
      .catch((error: unknown) => {
        this.#disabling.delete(endpointId);
        this.#log.error({ err: error, endpointId }, 'disabling the endpoint after 410 failed; the next 410 tries again');
      });
  }
}
