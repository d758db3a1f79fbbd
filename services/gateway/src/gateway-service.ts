import type { FastifyInstance } from 'fastify';
import { EventCodec, EventMetrics, EventPublisher, EventTopologyOptionsSchema, EventTypeCatalog, findEventLog } from '@switchyard/events';
import { eventDomain, eventTopics, taskStatusTopic, type AdminPort, type KafkaClient, type Logger } from '@switchyard/kafka';
import { RealtimeHub, RealtimeMetrics, type RealtimeOptionsInput } from '@switchyard/realtime';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parseOrThrow, type HttpServerConfig, type RestServerConfig } from '@switchyard/protocol';
import { TaskProducer } from '@switchyard/worker';
import { ApiKeyStore } from './auth/api-key-store.js';
import { Authenticator } from './auth/authenticator.js';
import { JwtVerifier, type JwtVerifierOptions } from './auth/jwt-verifier.js';
import { buildGatewayApp } from './gateway-app.js';
import { ReplayJobs } from './replays/replay-jobs.js';
import { deadLettersResource } from './resources/dead-letters.resource.js';
import { eventsResource } from './resources/events.resource.js';
import { eventTypesResource } from './resources/event-types.resource.js';
import { queuesResource } from './resources/queues.resource.js';
import { subscriptionsResource } from './resources/subscriptions.resource.js';
import { webhooksResource } from './resources/webhooks.resource.js';
import { TaskStatusViews } from './resources/task-status-views.js';
import { tasksResource } from './resources/tasks.resource.js';
import { TypeRegistrySchema, type TypeRegistry } from './resources/type-definitions.js';
import { SsrfGuard, WebhookEndpointRegistry } from '@switchyard/webhooks';

export interface GatewayServiceOptions {
  readonly client: KafkaClient;
  readonly log: Logger;
  readonly rest: RestServerConfig;
  readonly http: HttpServerConfig;
  readonly types: TypeRegistry;
  readonly adminKey?: string;
  readonly apiKeysTopic?: string;
  readonly jwt?: JwtVerifierOptions;
  /** The realtime streams' options (what is pushed, heartbeats, buffer bound, rate limit). */
  readonly realtime?: RealtimeOptionsInput;
}

/**
 * The gateway: Kafka side (task producer, event publisher, status views, API key store) and the
 * HTTP app over it. start() listens; url is where.
 */
export class GatewayService {
  readonly #options: GatewayServiceOptions;
  readonly keys: ApiKeyStore;
  readonly #producer: TaskProducer;
  readonly #publisher: EventPublisher;
  readonly #admin: AdminPort;
  readonly #statuses: TaskStatusViews;
  readonly #replays: ReplayJobs;
  readonly #webhooks: WebhookEndpointRegistry;
  /** The realtime hub behind the streams (its client count and drops by reason). */
  readonly realtime: RealtimeHub;
  /** Prometheus metrics served on GET /metrics: the process's and the realtime hub's. */
  readonly metrics = new Registry();
  readonly #domains: string[];
  #app: FastifyInstance | undefined;
  url: string | undefined;

  constructor(options: GatewayServiceOptions) {
    this.#options = { ...options, types: parseOrThrow(TypeRegistrySchema, options.types, { code: 'SY_INVALID_CONFIG', what: 'gateway types' }) as TypeRegistry };
    const { client, log } = options;
    this.keys = new ApiKeyStore({ client, log, ...(options.apiKeysTopic ? { topic: options.apiKeysTopic } : {}), ...(options.adminKey ? { adminKey: options.adminKey } : {}) });
    // No fixed queue list: a queue is accepted once its lane topics exist (else SY_UNKNOWN_QUEUE, not a hang).
    this.#producer = new TaskProducer({ client, transactionalIdPrefix: `switchyard.gateway.${client.clientId}` });
    const catalog = new EventTypeCatalog(log);
    for (const t of options.types.eventTypes) catalog.define({ name: t.name, ...(t.version ? { version: t.version } : {}), ...(t.description ? { description: t.description } : {}), schema: t.payload });
    this.#publisher = new EventPublisher({ client, codec: new EventCodec(catalog), topology: EventTopologyOptionsSchema.parse({}), metrics: new EventMetrics() });
    this.#admin = client.admin();
    this.#statuses = new TaskStatusViews(client, this.#admin);
    this.#replays = new ReplayJobs({ client, admin: this.#admin, log });
    // Webhook endpoints through the webhooks lib's registry; URLs must be public (SSRF guard, no allow-list here).
    this.#webhooks = new WebhookEndpointRegistry(client, {}, { guard: new SsrfGuard() });
    this.#domains = [...new Set(options.types.eventTypes.map((t) => eventDomain(t.name)))];
    const streamed = [...[...new Set(options.types.taskTypes.map((t) => t.queue))].map(taskStatusTopic), ...this.#domains.flatMap(eventTopics)];
    collectDefaultMetrics({ register: this.metrics });
    this.realtime = new RealtimeHub({ client, log, topics: streamed, metrics: new RealtimeMetrics(this.metrics) }, options.realtime);
  }

  async start(): Promise<string> {
    const { log, types, rest, http } = this.#options;
    await Promise.all([this.keys.start(), this.#producer.connect(), this.#publisher.connect(), this.#admin.connect(), this.#webhooks.connect()]);
    // The streamed event topics exist before the hub reads their ends (a domain's first event creates them otherwise).
    if (this.#domains.length > 0) await this.#publisher.ensureDomains(this.#domains);
    if (this.realtime.options.notifications.enabled) await this.realtime.start();
    const resources = [
      ...(types.taskTypes.length > 0 ? [tasksResource({ producer: this.#producer, statuses: this.#statuses, taskTypes: types.taskTypes })] : []),
      ...(types.eventTypes.length > 0 ? [eventsResource({ publisher: this.#publisher, eventTypes: types.eventTypes, source: 'switchyard-gateway', findLog: (query) => findEventLog(this.#options.client, query) })] : []),
      ...(types.taskTypes.length > 0 ? [deadLettersResource({ client: this.#options.client, admin: this.#admin, queues: [...new Set(types.taskTypes.map((t) => t.queue))] })] : []),
      ...(types.eventTypes.length > 0 ? [eventTypesResource(types.eventTypes)] : []),
      queuesResource({ client: this.#options.client, admin: this.#admin, taskTypes: types.taskTypes }),
      subscriptionsResource(this.#admin),
      webhooksResource(this.#webhooks),
    ];
    const authenticator = new Authenticator(this.keys, this.#options.jwt ? new JwtVerifier(this.#options.jwt) : undefined);
    const app = await buildGatewayApp({ rest, http, resources, types, keys: this.keys, authenticator, log, operator: { client: this.#options.client, admin: this.#admin, replays: this.#replays, webhooks: this.#webhooks }, realtime: this.realtime, extraRoutes: (a) => {
        a.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }));
        // Public like /healthz, for a scraper inside the network (as the worker's and scheduler's /metrics are).
        a.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.type(this.metrics.contentType).send(await this.metrics.metrics()));
      },
    });
    this.#app = app;
    this.url = await app.listen({ host: http.host, port: http.port });
    return this.url;
  }

  async stop(): Promise<void> {
    // Open streams end first (each gets a last `dropped` message with its resume id), so closing the server does not wait for them.
    await this.realtime.stop();
    await this.#app?.close();
    await this.#replays.close();
    await this.#statuses.close();
    await Promise.all([this.keys.stop(), this.#producer.disconnect(), this.#publisher.disconnect(), this.#webhooks.disconnect()]);
    await this.#admin.disconnect();
  }
}
