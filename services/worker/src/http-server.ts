import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { WorkerStats } from '@switchyard/protocol';
import type { WorkerState } from '@switchyard/worker';

/** What the HTTP endpoints read from the worker. */
export interface WorkerProbe {
  readonly state: WorkerState;
  health(): { readonly ok: boolean; readonly state: string; readonly reason?: string };
  stats(): WorkerStats;
}

/** Events a subscription handled in this process (`Subscription.counts` of @switchyard/events). */
export interface SubscriptionCounts {
  readonly completed: number;
  readonly failed: number;
  readonly dead: number;
  readonly skipped: number;
  /** Handler executions parked behind an earlier event of their key (ordered retries). */
  readonly parked: number;
}

/** What the HTTP endpoints read from the event bus, when the process hosts subscriptions. */
export interface BusProbe {
  health(): { readonly ok: boolean; readonly reasons: readonly string[] };
  /** Counts by subscription name. */
  counts(): Record<string, SubscriptionCounts>;
}

export interface ServiceProbes {
  readonly worker: WorkerProbe;
  readonly bus?: BusProbe;
}

export interface HttpServerDeps extends ServiceProbes {
  /** The shared registry: the worker's and the bus's metrics plus the process metrics. */
  readonly registry: Registry;
}

/** The protocol's WorkerStats, plus per-subscription counts when the process hosts subscriptions. */
export type ServiceStats = WorkerStats & { readonly subscriptions?: Record<string, SubscriptionCounts> };

export function serviceStats({ worker, bus }: ServiceProbes): ServiceStats {
  return { ...worker.stats(), ...(bus ? { subscriptions: bus.counts() } : {}) };
}

/**
 * The worker's HTTP side: `GET /metrics` (Prometheus text), `GET /healthz` (200 while the worker
 * and the event bus, if any, run; 503 otherwise, so a load balancer or orchestrator stops routing
 * to a stopping worker) and `GET /stats` (WorkerStats JSON, plus `subscriptions`). Call
 * `listen({ host, port })` on the result.
 */
export function createHttpServer({ worker, bus, registry }: HttpServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  app.get('/healthz', async (_request, reply) => {
    const health = worker.health();
    const busHealth = bus?.health();
    const ok = health.ok && (busHealth?.ok ?? true);
    const reason = health.reason ?? (busHealth && !busHealth.ok ? busHealth.reasons.join('; ') : undefined);
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      state: health.state,
      ...(reason ? { reason } : {}),
      ...(busHealth ? { bus: busHealth } : {}),
      stats: serviceStats({ worker, ...(bus ? { bus } : {}) }),
    });
  });
  app.get('/stats', async () => serviceStats({ worker, ...(bus ? { bus } : {}) }));
  return app;
}
