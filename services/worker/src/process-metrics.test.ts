import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EventMetrics } from '@switchyard/events';
import { PROMTOOL_MISSING, promtoolAvailable, promtoolCheckMetrics } from '@switchyard/testing';
import { WorkerMetrics } from '@switchyard/worker';
import { collectProcessMetrics, NON_CONFORMING_DEFAULT_METRICS } from './process-metrics.js';

/** The registry the worker service serves, with a sample in every metric of ours. */
async function serviceExposition(): Promise<string> {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const worker = new WorkerMetrics(registry);
  worker.processed.inc({ queue: 'emails', lane: 'high', type: 'send_email', outcome: 'succeeded' });
  worker.duration.observe({ queue: 'emails', lane: 'high', type: 'send_email' }, 0.02);
  worker.inFlight.set({ queue: 'emails' }, 1);
  worker.lag.set({ topic: 'tasks.emails.high', partition: '0', group: 'switchyard.worker.mailer' }, 3);
  const events = new EventMetrics(registry);
  events.published.inc({ event: 'user.created', lane: 'normal' });
  events.consumed.inc({ subscription: 'crm', event: 'user.created', outcome: 'completed' });
  events.handlerRuns.inc({ subscription: 'crm', handler: 'sync', status: 'success' });
  events.handlerDuration.observe({ subscription: 'crm', handler: 'sync' }, 0.004);
  events.routed.inc({ route: 'audit', outcome: 'routed' });
  return registry.metrics();
}

describe('process metrics of the worker service', () => {
  it('keeps the default Node metrics but not the gauges named _total', async () => {
    const exposition = await serviceExposition();
    expect(exposition).toContain('# TYPE nodejs_active_handles gauge');
    expect(exposition).toContain('# TYPE process_cpu_seconds_total counter');
    expect(exposition).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    for (const name of NON_CONFORMING_DEFAULT_METRICS) expect(exposition).not.toContain(`# TYPE ${name} `);
  });

  it('passes promtool check metrics together with the worker and event-bus metrics', async (ctx) => {
    if (!promtoolAvailable()) ctx.skip(PROMTOOL_MISSING);
    const verdict = promtoolCheckMetrics(await serviceExposition());
    expect(verdict.output).toBe('');
    expect(verdict.exitCode).toBe(0);
  });
});
