import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createKafkajsClient, ensureTopology, kafkaSettingsFromEnv, type KafkaClient, type Logger } from '@switchyard/kafka';
import { createWorker, type TaskHandlers, type Worker } from '@switchyard/worker';
import { createHttpServer } from './http-server.js';
import type { WorkerServiceOptions } from './worker-service.options.js';

/**
 * One worker process: a Kafka client, the worker, and its HTTP side sharing one metrics registry.
 * `start()` brings them up in order; `stop()` closes the worker gracefully, then the HTTP server.
 */
export class WorkerService {
  readonly worker: Worker;
  readonly registry = new Registry();
  readonly #options: WorkerServiceOptions;
  readonly #client: KafkaClient;
  readonly #http: FastifyInstance;
  readonly #log: Logger;
  #stopping: Promise<void> | undefined;

  /** Builds everything without I/O; bad Kafka env or worker options throw here (exit code 2). */
  constructor(options: WorkerServiceOptions, handlers: TaskHandlers, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#client = createKafkajsClient(kafkaSettingsFromEnv(), kafkaLogger(log));
    collectDefaultMetrics({ register: this.registry });
    this.worker = createWorker(this.#client, options.worker, handlers, { log, registry: this.registry });
    this.#http = createHttpServer({ worker: this.worker, registry: this.registry });
  }

  /** The address the HTTP server listens on, once started. */
  get url(): string {
    const address = this.#http.server.address();
    if (!address || typeof address === 'string') return `http://${this.#options.http.host}:${this.#options.http.port}`;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async start(): Promise<void> {
    // HTTP first: /healthz answers 503 while the worker joins its group, so probes see it starting.
    await this.#http.listen({ host: this.#options.http.host, port: this.#options.http.port });
    this.#log.info({ url: this.url, endpoints: ['/metrics', '/healthz', '/stats'] }, 'http listening');
    if (this.#options.ensureTopology) await this.#ensureTopology();
    await this.worker.start();
  }

  /** Graceful stop (idempotent): the worker drains within config.shutdownTimeoutMs, then HTTP closes. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    try {
      await this.worker.close();
    } finally {
      await this.#http.close();
    }
  }

  async #ensureTopology(): Promise<void> {
    const admin = this.#client.admin();
    await admin.connect();
    try {
      const { config } = this.#options.worker;
      for (const queue of config.queues) {
        const queueConfig = config.queueConfigs?.find((q) => q.name === queue) ?? { name: queue };
        const report = await ensureTopology(admin, queueConfig, this.#options.topology);
        for (const drift of report.drift) this.#log.warn({ queue, drift }, 'topology drift (left as it is)');
        this.#log.info({ queue, created: report.created.length, unchanged: report.unchanged.length }, 'topology ensured');
      }
    } finally {
      await admin.disconnect();
    }
  }
}

/** kafkajs logs every pause/resume at info; its lines show from warn up unless LOG_LEVEL is debug or trace. */
function kafkaLogger(log: Logger): Logger {
  const verbose = log.level === 'debug' || log.level === 'trace';
  return log.child({ component: 'kafka' }, verbose ? {} : { level: log.isLevelEnabled('warn') ? 'warn' : log.level });
}
