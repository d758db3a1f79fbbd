import Fastify, { type FastifyInstance } from 'fastify';
import { EventCodec, EventMetrics, EventPublisher, EventTopologyOptionsSchema, EventTypeCatalog } from '@switchyard/events';
import type { KafkaClient, Logger } from '@switchyard/kafka';
import { isSwitchyardError } from '@switchyard/protocol';
import { JobStore, Scheduler, type ScheduledJob } from '@switchyard/scheduler';
import type { SchedulerServiceEnv } from './scheduler-service.options.js';

/**
 * The scheduler process: creates (or updates) the jobs of the jobs file, runs a Scheduler in the
 * group of its name, and serves `GET /metrics` (Prometheus) and `GET /healthz` (200 while running,
 * with the partitions it owns).
 */
export class SchedulerService {
  readonly scheduler: Scheduler;
  /** Publishes the events of jobs that fire events (default event topology: lanes, 6 partitions). */
  readonly #events: EventPublisher;
  readonly #client: KafkaClient;
  readonly #env: SchedulerServiceEnv;
  readonly #jobs: readonly ScheduledJob[];
  readonly #log: Logger;
  #http: FastifyInstance | undefined;

  constructor(client: KafkaClient, env: SchedulerServiceEnv, jobs: readonly ScheduledJob[], log: Logger) {
    this.#client = client;
    this.#env = env;
    this.#jobs = jobs;
    this.#log = log;
    this.#events = new EventPublisher({ client, codec: new EventCodec(new EventTypeCatalog(log)), topology: EventTopologyOptionsSchema.parse({}), metrics: new EventMetrics() });
    this.scheduler = new Scheduler(client, { name: env.SCHEDULER_NAME, partitions: env.SCHEDULER_PARTITIONS, followQueues: env.SCHEDULER_FOLLOW_QUEUES }, { log, events: this.#events });
  }

  /** The URL the HTTP endpoints listen on, once started. */
  url: string | undefined;

  async start(): Promise<void> {
    await this.#applyJobs();
    await this.#events.connect();
    await this.scheduler.start();
    const http = Fastify({ logger: false });
    http.get('/metrics', async (_request, reply) => reply.type(this.scheduler.metrics.registry.contentType).send(await this.scheduler.metrics.registry.metrics()));
    http.get('/healthz', async (_request, reply) => {
      const ok = this.scheduler.state === 'running';
      return reply.code(ok ? 200 : 503).send({ ok, state: this.scheduler.state, partitions: this.scheduler.ownership().map(({ partition, state, jobs }) => ({ partition, state, jobs: jobs.length })) });
    });
    this.url = await http.listen({ host: this.#env.SCHEDULER_HTTP_HOST, port: this.#env.SCHEDULER_HTTP_PORT });
    this.#http = http;
  }

  async stop(): Promise<void> {
    await this.#http?.close();
    await this.scheduler.close();
    await this.#events.disconnect();
  }

  /** Jobs of the jobs file: created when new, updated when their definition changed. */
  async #applyJobs(): Promise<void> {
    if (this.#jobs.length === 0) return;
    const store = new JobStore(this.#client, { name: this.#env.SCHEDULER_NAME, partitions: this.#env.SCHEDULER_PARTITIONS });
    try {
      const existing = new Map((await store.list()).map((v) => [v.job.id, v.job]));
      for (const job of this.#jobs) {
        const current = existing.get(job.id);
        if (!current) await store.create(job);
        else if (JSON.stringify(current) !== JSON.stringify(job)) await store.update(job.id, job);
        else continue;
        this.#log.info({ job: job.id, schedule: job.schedule }, current ? 'job updated from the jobs file' : 'job created from the jobs file');
      }
    } catch (error) {
      if (isSwitchyardError(error)) this.#log.error({ code: error.code }, error.message);
      throw error;
    } finally {
      await store.disconnect();
    }
  }
}
