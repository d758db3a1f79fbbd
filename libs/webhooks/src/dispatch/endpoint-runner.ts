import http from 'node:http';
import https from 'node:https';
import { createEventBus, type EventBus, type EventTopologyOptionsInput } from '@switchyard/events';
import type { KafkaClient, Logger } from '@switchyard/kafka';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { WebhookDeliverer } from '../delivery/delivery-attempt.js';
import type { WebhookMetrics } from '../metrics/webhook-metrics.js';
import type { WebhookTransform } from '../payload/webhook-message.js';
import type { StoredEndpoint } from '../registry/endpoint-record.v1.js';
import type { SsrfGuard } from '../ssrf/ssrf-guard.js';
import type { DeliveryLogWriter } from './delivery-log.js';
import type { WebhookDispatcherOptions } from './dispatcher.options.js';
import { endpointDeliveryHandler, retryPolicyOf } from './endpoint-delivery.js';
import { webhookSubscriptionName } from './subscription-name.js';

export interface EndpointRunnerDeps {
  readonly client: KafkaClient;
  readonly options: WebhookDispatcherOptions;
  readonly guard: SsrfGuard;
  readonly metrics: WebhookMetrics;
  readonly log: Logger;
  readonly deliveryLog: DeliveryLogWriter;
  readonly topology?: Omit<EventTopologyOptionsInput, 'retentionDays' | 'priorityEnabled'>;
  readonly transform?: WebhookTransform;
  readonly current: () => StoredEndpoint | undefined;
  readonly onGone: (endpointId: string, reason: string) => void;
}

/** What, when changed, needs the endpoint's subscription restarted (URL, headers, auth and secrets apply per attempt). */
export function subscriptionShape(stored: StoredEndpoint): string {
  const { eventPattern, tenant, timeoutMs, concurrency, ordered } = stored.endpoint;
  return JSON.stringify({ eventPattern, tenant, timeoutMs, concurrency, ordered, retryPolicy: retryPolicyOf(stored) });
}

/**
 * One endpoint's delivery: its own event-bus subscription (`webhook-<id>`, own consumer group,
 * retry tiers and DLQ) on the endpoint's pattern and tenant, its own keep-alive connection pool
 * capped at its concurrency, its own circuit breaker. Nothing is shared with other endpoints but
 * the Kafka client, so a slow or dead endpoint cannot hold the others up.
 */
export class EndpointRunner {
  readonly endpointId: string;
  readonly subscription: string;
  readonly shape: string;
  readonly breaker: CircuitBreaker;
  readonly #bus: EventBus;
  readonly #agent: http.Agent;

  constructor(stored: StoredEndpoint, deps: EndpointRunnerDeps) {
    const { endpoint } = stored;
    const { options } = deps;
    this.endpointId = endpoint.id;
    this.subscription = webhookSubscriptionName(endpoint.id);
    this.shape = subscriptionShape(stored);
    const concurrency = endpoint.concurrency ?? options.concurrency;
    this.#agent = new URL(endpoint.url).protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: concurrency }) : new http.Agent({ keepAlive: true, maxSockets: concurrency });
    this.breaker = new CircuitBreaker(options.breaker, { onChange: (state) => deps.metrics.setBreakerState(endpoint.id, state) });
    deps.metrics.setBreakerState(endpoint.id, 'closed');
    const deliverer = new WebhookDeliverer({ ...options.delivery, guard: deps.guard, agent: this.#agent });
    this.#bus = createEventBus(
      { queue: { name: this.subscription, concurrency, retryPolicy: retryPolicyOf(stored) } },
      { client: deps.client, log: deps.log.child({ endpointId: endpoint.id }), ...(deps.topology ? { topology: deps.topology } : {}), ...(endpoint.tenant ? { tenantId: endpoint.tenant } : {}) },
    );
    const handler = endpointDeliveryHandler({ endpointId: endpoint.id, current: deps.current, deliverer, breaker: this.breaker, metrics: deps.metrics, log: deps.deliveryLog, onGone: deps.onGone, ...(deps.transform ? { transform: deps.transform } : {}) });
    this.#bus.subscribe(
      // The handler's budget: one breaker cool-down waited at most, then one attempt bounded by the endpoint's timeoutMs.
      { id: 'deliver', eventName: endpoint.eventPattern, handler, timeoutMs: endpoint.timeoutMs + options.breaker.cooldownMs + 1_000 },
      { name: this.subscription, concurrency, orderedRetries: endpoint.ordered ?? false, eventLog: false, startFrom: options.startFrom, sessionTimeoutMs: options.sessionTimeoutMs, shutdownTimeoutMs: options.shutdownTimeoutMs, ...(options.instanceId ? { instanceId: options.instanceId } : {}) },
    );
  }

  /** Joins the endpoint's consumer group and starts delivering. */
  start(): Promise<void> {
    return this.#bus.start();
  }

  /** Lets running deliveries finish (up to shutdownTimeoutMs), commits, leaves the group. */
  async stop(): Promise<void> {
    await this.#bus.close();
    this.#agent.destroy();
  }

  health(): { readonly ok: boolean; readonly reasons: string[] } {
    return this.#bus.health();
  }
}
