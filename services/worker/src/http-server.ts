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

export interface HttpServerDeps {
  readonly worker: WorkerProbe;
  /** The shared registry: the worker's metrics plus the process metrics. */
  readonly registry: Registry;
}

/**
 * The worker's HTTP side: `GET /metrics` (Prometheus text), `GET /healthz` (200 while the worker
 * runs, 503 otherwise, so a load balancer or orchestrator stops routing to a stopping worker) and
 * `GET /stats` (WorkerStats JSON). Call `listen({ host, port })` on the result.
 */
export function createHttpServer({ worker, registry }: HttpServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  app.get('/healthz', async (_request, reply) => {
    const health = worker.health();
    return reply
      .code(health.ok ? 200 : 503)
      .send({ status: health.ok ? 'ok' : 'unavailable', state: health.state, ...(health.reason ? { reason: health.reason } : {}), stats: worker.stats() });
  });
  app.get('/stats', async () => worker.stats());
  return app;
}
