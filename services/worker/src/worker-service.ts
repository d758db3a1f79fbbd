import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createEventBus, type EventBus } from '@switchyard/events';
import { createKafkaClient, ensureTopology, kafkaSettingsFromEnv, type KafkaClient, type Logger } from '@switchyard/kafka';
import { SwitchyardError } from '@switchyard/protocol';
import { createWorker, WorkerLifecycle, type Worker, type WorkerState } from '@switchyard/worker';
import type { HandlerModule, ModuleSubscription } from './handler-module.js';
import { createHttpServer, serviceStats, type BusProbe, type ServiceProbes, type ServiceStats, type WorkerProbe } from './http-server.js';
import { collectProcessMetrics } from './process-metrics.js';
import type { WorkerServiceOptions } from './worker-service.options.js';


/**
 * One worker process: a Kafka client, the task worker (when the module has task handlers), the
 * event bus (when it has subscriptions) and the HTTP side, all on one metrics registry. `start()`
 * brings them up in order; `stop()` drains the worker and the bus together, then closes HTTP.
 */
export class WorkerService {
  /** The task worker; undefined when the module exports only subscriptions. */
  readonly worker: Worker | undefined;
  /** The event bus of the module's subscriptions; undefined when it exports none. */
  readonly bus: EventBus | undefined;
  readonly registry = new Registry();
  readonly #options: WorkerServiceOptions;
  readonly #client: KafkaClient;
  readonly #http: FastifyInstance;
  readonly #log: Logger;
  readonly #subscriptions: readonly string[];
  readonly #probes: ServiceProbes;
  readonly #startedAt = Date.now();
  readonly #lifecycle = new WorkerLifecycle('The worker service', 'stop()');
  #busStarting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  /** Builds everything without I/O; bad Kafka env, worker options or subscriptions throw here (exit code 2). */
  constructor(options: WorkerServiceOptions, module: HandlerModule, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#client = createKafkaClient(kafkaSettingsFromEnv(), kafkaLogger(log));
    collectProcessMetrics(this.registry);
    this.worker = options.worker && module.tasks ? createWorker(this.#client, options.worker, module.tasks, { log, registry: this.registry }) : undefined;
    this.#subscriptions = module.subscriptions.map((s) => s.name);
    this.bus = module.subscriptions.length > 0 ? this.#createBus(module.subscriptions) : undefined;
    this.#probes = { worker: this.worker ?? this.#busOnlyProbe(), ...(this.bus ? { bus: busProbe(this.bus, this.#subscriptions) } : {}) };
    this.#http = createHttpServer({ ...this.#probes, registry: this.registry });
  }

  /** created -> starting -> running -> stopping -> stopped (a stop may come at any point before). */
  get state(): WorkerState {
    return this.#lifecycle.state;
  }

  /** Task stats, plus per-subscription counts when the module has subscriptions (as /stats serves them). */
  stats(): ServiceStats {
    return serviceStats(this.#probes);
  }

  /** The address the HTTP server listens on, once started. */
  get url(): string {
    const address = this.#http.server.address();
    if (!address || typeof address === 'string') return `http://${this.#options.http.host}:${this.#options.http.port}`;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * HTTP first (/healthz answers 503 while the rest comes up, so probes see it starting), then the
   * queues' topology if asked, the bus (its subscriptions join their groups), the worker.
   */
  async start(): Promise<void> {
    this.#to('starting');
    await this.#http.listen({ host: this.#options.http.host, port: this.#options.http.port });
    this.#log.info({ url: this.url, endpoints: ['/metrics', '/healthz', '/stats'] }, 'http listening');
    if (this.#options.ensureTopology) await this.#ensureTopology();
    if (this.bus) {
      this.#busStarting = this.bus.start();
      await this.#busStarting;
      this.#log.info({ subscriptions: this.#subscriptions, concurrency: this.bus.config.queue?.concurrency }, 'event bus running');
    }
    await this.worker?.start();
    this.#to('running');
  }

  /**
   * Graceful stop (idempotent). The worker and the bus drain at the same time (separate consumer
   * groups and producers; neither waits for the other), each within its grace period:
   * config.shutdownTimeoutMs for tasks, each subscription's shutdownTimeoutMs (default: the same)
   * for events, so the stop takes the longer of the two, not their sum. Then HTTP closes.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.#to('stopping');
    try {
      const closed = await Promise.allSettled([this.worker?.close(), this.#closeBus()]);
      const failed = closed.find((c): c is PromiseRejectedResult => c.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      await this.#http.close();
      this.#to('stopped');
    }
  }

  /** A bus still starting is closed once its start settles (close() before that would leave its consumers running). */
  async #closeBus(): Promise<void> {
    await this.#busStarting?.catch(() => undefined);
    await this.bus?.close();
  }

  #to(next: WorkerState): void {
    this.#lifecycle.to(next);
  }


  /**
   * One bus for every subscription of the module, on this process's Kafka client and metrics
   * registry. Its `queue.concurrency` (each subscription's default) is WORKER_CONCURRENCY or the
   * bus's default (10); each subscription's shutdownTimeoutMs defaults to the worker's grace period.
   */
  #createBus(subscriptions: readonly ModuleSubscription[]): EventBus {
    const { concurrency, shutdownTimeoutMs } = this.#options.events;
    const { partitions, replicationFactor } = this.#options.topology;
    const bus = createEventBus(
      { queue: concurrency === undefined ? {} : { concurrency } },
      {
        client: this.#client,
        log: this.#log.child({ component: 'events' }),
        metricsRegistry: this.registry,
        topology: { ...(partitions === undefined ? {} : { partitions }), ...(replicationFactor === undefined ? {} : { replicationFactor }) },
      },
    );
    for (const s of subscriptions) {
      try {
        bus.subscribe(s.handlers, { ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }), ...s.options, name: s.name });
      } catch (error) {
        throw new SwitchyardError('SY_INVALID_CONFIG', `Handlers module ${this.#options.handlersModule}: subscription "${s.name}": ${(error as Error).message}`, {
          hint: (error as SwitchyardError).hint ?? 'Fix the subscription in the handlers module; see services/worker/README.md ("Event subscriptions").',
          cause: error,
        });
      }
    }
    return bus;
  }

  /** What /healthz and /stats read when there is no task worker: the service's own state, no tasks. */
  #busOnlyProbe(): WorkerProbe {
    const state = () => this.#lifecycle.state;
    return {
      get state() {
        return state();
      },
      health: () => (state() === 'running' ? { ok: true, state: state() } : { ok: false, state: state(), reason: `worker service is ${state()}` }),
      stats: () => ({ workerName: this.#options.name, totalProcessed: 0, succeeded: 0, failed: 0, active: 0, uptimeMs: Date.now() - this.#startedAt, queues: {} }),
    };
  }

  async #ensureTopology(): Promise<void> {
    const config = this.#options.worker?.config;
    if (!config) return;
    const admin = this.#client.admin();
    await admin.connect();
    try {
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

/** The bus as /healthz and /stats see it: its health and each subscription's counts. */
function busProbe(bus: EventBus, names: readonly string[]): BusProbe {
  return {
    health: () => bus.health(),
    counts: () => Object.fromEntries(names.map((name) => [name, bus.subscription(name)?.counts ?? { completed: 0, failed: 0, dead: 0, skipped: 0, parked: 0 }])),
  };
}

/** kafkajs logs every pause/resume at info; its lines show from warn up unless LOG_LEVEL is debug or trace. */
function kafkaLogger(log: Logger): Logger {
  const verbose = log.level === 'debug' || log.level === 'trace';
  return log.child({ component: 'kafka' }, verbose ? {} : { level: log.isLevelEnabled('warn') ? 'warn' : log.level });
}
