import Fastify, { type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { KafkaClient, Logger } from '@switchyard/kafka';
import { WebhookDispatcher, WebhookMetrics } from '@switchyard/webhooks';
import { dispatcherOptionsOf, type WebhookDispatcherEnv } from './webhook-dispatcher-service.options.js';

/**
 * The webhook dispatcher process: a WebhookDispatcher over the endpoints topic, and `GET /metrics`
 * (process metrics and the switchyard_webhook_* series per endpoint) and `GET /healthz` (200 while
 * running with every endpoint's subscription healthy, with the endpoints it delivers to).
 */
export class WebhookDispatcherService {
  readonly dispatcher: WebhookDispatcher;
  readonly metrics = new Registry();
  readonly #env: WebhookDispatcherEnv;
  #http: FastifyInstance | undefined;
  /** The URL the HTTP endpoints listen on, once started. */
  url: string | undefined;

  constructor(client: KafkaClient, env: WebhookDispatcherEnv, log: Logger) {
    this.#env = env;
    collectDefaultMetrics({ register: this.metrics });
    this.dispatcher = new WebhookDispatcher(client, dispatcherOptionsOf(env), { log, metrics: new WebhookMetrics(this.metrics) });
  }

  async start(): Promise<void> {
    await this.dispatcher.start();
    const http = Fastify({ logger: false });
    http.get('/metrics', async (_request, reply) => reply.type(this.metrics.contentType).send(await this.metrics.metrics()));
    http.get('/healthz', async (_request, reply) => {
      const health = this.dispatcher.health();
      const endpoints = [...this.dispatcher.running()].map(([id, subscription]) => ({ id, subscription }));
      return reply.code(health.ok ? 200 : 503).send({ ...health, endpoints });
    });
    this.url = await http.listen({ host: this.#env.WEBHOOK_HTTP_HOST, port: this.#env.WEBHOOK_HTTP_PORT });
    this.#http = http;
  }

  /** Stops serving, then lets running deliveries finish (up to WEBHOOK_SHUTDOWN_TIMEOUT_MS) and leaves. */
  async stop(): Promise<void> {
    await this.#http?.close();
    await this.dispatcher.close();
  }
}
