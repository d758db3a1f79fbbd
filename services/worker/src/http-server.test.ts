import { describe, expect, it, onTestFinished } from 'vitest';
import { Counter, Registry } from 'prom-client';
import type { WorkerState } from '@switchyard/worker';
import { createHttpServer, type BusProbe, type WorkerProbe } from './http-server.js';

function setup(state: WorkerState, reason?: string, bus?: BusProbe) {
  const registry = new Registry();
  new Counter({ name: 'switchyard_tasks_processed_total', help: 'h', labelNames: ['queue'], registers: [registry] }).inc({ queue: 'emails' }, 3);
  const worker: WorkerProbe = {
    state,
    health: () => (state === 'running' && !reason ? { ok: true, state } : { ok: false, state, reason: reason ?? `worker is ${state}` }),
    stats: () => ({ workerName: 'w', totalProcessed: 3, succeeded: 3, failed: 0, active: 0, uptimeMs: 10 }),
  };
  const app = createHttpServer({ worker, registry, ...(bus ? { bus } : {}) });
  onTestFinished(() => app.close());
  return app;
}

describe('worker HTTP endpoints', () => {
  it('serves Prometheus text on /metrics', async () => {
    const response = await setup('running').inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('switchyard_tasks_processed_total{queue="emails"} 3');
  });

  it('answers /healthz 200 with state and stats while running', async () => {
    const response = await setup('running').inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', state: 'running', stats: { workerName: 'w', totalProcessed: 3 } });
  });

  it.each<WorkerState>(['created', 'starting', 'stopping', 'stopped'])('answers /healthz 503 while %s', async (state) => {
    const response = await setup(state).inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable', state });
  });

  it('answers /healthz 503 with the reason while transactions keep failing', async () => {
    const response = await setup('running', '5 transactions failed in a row; see the worker log').inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable', state: 'running', reason: '5 transactions failed in a row; see the worker log' });
  });

  it('serves WorkerStats on /stats', async () => {
    const response = await setup('running').inject({ method: 'GET', url: '/stats' });
    expect(response.json()).toEqual({ workerName: 'w', totalProcessed: 3, succeeded: 3, failed: 0, active: 0, uptimeMs: 10 });
  });
});

describe('worker HTTP endpoints with an event bus', () => {
  const counts = { completed: 4, failed: 1, dead: 0, skipped: 2, parked: 0 };
  const bus = (reasons: string[] = []): BusProbe => ({ health: () => ({ ok: reasons.length === 0, reasons }), counts: () => ({ audit: counts }) });

  it('answers /healthz 200 with the bus health when both run', async () => {
    const response = await setup('running', undefined, bus()).inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', state: 'running', bus: { ok: true, reasons: [] }, stats: { subscriptions: { audit: counts } } });
  });

  it('answers /healthz 503 with the bus reasons while the bus is not healthy', async () => {
    const response = await setup('running', undefined, bus(['event bus is idle', 'subscription audit is starting'])).inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'unavailable', state: 'running', reason: 'event bus is idle; subscription audit is starting', bus: { ok: false } });
  });

  it('puts the worker reason first when both are unhealthy', async () => {
    const response = await setup('stopping', undefined, bus(['event bus is stopped'])).inject({ method: 'GET', url: '/healthz' });
    expect(response.json()).toMatchObject({ status: 'unavailable', state: 'stopping', reason: 'worker is stopping' });
  });

  it('adds per-subscription counts to /stats', async () => {
    const response = await setup('running', undefined, bus()).inject({ method: 'GET', url: '/stats' });
    expect(response.json()).toEqual({ workerName: 'w', totalProcessed: 3, succeeded: 3, failed: 0, active: 0, uptimeMs: 10, subscriptions: { audit: counts } });
  });
});
