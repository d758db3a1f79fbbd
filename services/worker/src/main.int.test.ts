import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { setupEvents, testBrokers, uniqueName } from '@switchyard/testing';
import { freePort, handlersModule, ranIds, setupQueue, spawnWorker, subscriptionModule } from './worker-service.test-support.js';

const SHUTDOWN_TIMEOUT_MS = 10_000;

/** Sum of `switchyard_events_consumed_total` samples of one subscription and outcome. */
function consumedCount(metrics: string, subscription: string, outcome: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('switchyard_events_consumed_total{') && line.includes(`subscription="${subscription}"`) && line.includes(`outcome="${outcome}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

function succeededCount(metrics: string, queue: string): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('switchyard_tasks_processed_total{') && line.includes(`queue="${queue}"`) && line.includes('outcome="succeeded"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('worker service process on a real broker', () => {
  it('runs 50 tasks, reports them on /healthz and /metrics, and stops cleanly with exit 0 on SIGTERM', async () => {
    const { queue, producer } = await setupQueue();
    const { module, ranFile } = handlersModule({ record_task: '' });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const worker = spawnWorker(['--handlers', module], {
      KAFKA_BROKERS: testBrokers(),
      WORKER_NAME: uniqueName('svc-worker'),
      WORKER_QUEUES: queue,
      WORKER_CONCURRENCY: '8',
      WORKER_HTTP_PORT: String(port),
      WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 60_000, interval: 250 });

    const receipts = await producer.enqueueMany(
      Array.from({ length: 50 }, (_, i) => ({ task: { id: `task-${i}`, type: 'record_task', queue, payload: { i } }, options: { tenant: `tenant-${i % 4}` } })),
    );
    expect(receipts).toHaveLength(50);
    await vi.waitFor(() => expect(new Set(ranIds(ranFile)).size).toBe(50), { timeout: 60_000, interval: 200 });
    expect(ranIds(ranFile)).toHaveLength(50);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', state: 'running', stats: { queues: { [queue]: { active: 0 } } } });
    await vi.waitFor(async () => expect(succeededCount(await (await fetch(`${base}/metrics`)).text(), queue)).toBe(50), { timeout: 10_000, interval: 200 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`switchyard_tasks_processed_total{queue="${queue}",lane="normal",type="record_task",outcome="succeeded"} 50`);
    expect(metrics).toContain('process_cpu_user_seconds_total');
    expect(await (await fetch(`${base}/stats`)).json()).toMatchObject({ totalProcessed: 50, succeeded: 50, failed: 0 });

    worker.child.kill('SIGTERM');
    await vi.waitFor(() => expect(worker.exit()).toBeDefined(), { timeout: SHUTDOWN_TIMEOUT_MS + 5_000, interval: 100 });
    expect(worker.exit()).toEqual({ code: 0, signal: null });
    // Nothing was running: the shutdown never reached its deadline (which logs this warning).
    expect(worker.logged('tasks still running at the shutdown deadline: aborting them')).toHaveLength(0);
    expect(worker.logged('worker stopped')).toHaveLength(1);
    expect(worker.logged('worker service stopped cleanly')).toHaveLength(1);
    expect(worker.stderr()).toBe('');
  });

  it('exits 130 at once on a second signal while a task is still running', async () => {
    const { queue, producer } = await setupQueue();
    const { module, ranFile } = handlersModule({ slow_task: 'await sleep(120_000);' });
    const worker = spawnWorker(['--handlers', module], {
      KAFKA_BROKERS: testBrokers(),
      WORKER_NAME: uniqueName('svc-worker'),
      WORKER_QUEUES: queue,
      WORKER_HTTP_PORT: String(await freePort()),
      WORKER_SHUTDOWN_TIMEOUT_MS: '60000',
    });
    await producer.enqueue({ id: 'slow-1', type: 'slow_task', queue, payload: {} });
    await vi.waitFor(() => expect(ranIds(ranFile)).toEqual(['slow-1']), { timeout: 60_000, interval: 200 });
    worker.child.kill('SIGTERM');
    await vi.waitFor(() => expect(worker.logged('stopping: finishing running tasks (send the signal again to exit at once)')).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(worker.exit()).toBeUndefined();
    worker.child.kill('SIGINT');
    await vi.waitFor(() => expect(worker.exit()).toEqual({ code: 130, signal: null }), { timeout: 5_000, interval: 50 });
    expect(worker.logged('second signal: exiting without waiting for running tasks')).toHaveLength(1);
  });

  it('exits 2 and names the field when the config file is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-service-'));
    const config = join(dir, 'worker.json');
    writeFileSync(config, JSON.stringify({ config: { name: 'w', queues: ['q'], shutdownTimeoutMs: 'soon' } }));
    const { module } = handlersModule({ noop_task: '' });
    const worker = spawnWorker(['--config', config, '--handlers', module], { KAFKA_BROKERS: testBrokers() });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr()).toContain(`SY_INVALID_CONFIG: Invalid worker config file ${config} (1 problem):`);
    expect(worker.stderr()).toContain('config.shutdownTimeoutMs: Invalid input: expected number, received string');
    expect(worker.stderr()).toContain(`Fix: Edit ${config}`);
  });

  it('exits 2 and names the variable when the env is incomplete', async () => {
    const { module } = handlersModule({ noop_task: '' });
    const worker = spawnWorker(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: 'w' });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr()).toContain('SY_INVALID_ENV');
    expect(worker.stderr()).toContain('WORKER_QUEUES: is required without a config file');
  });
});

describe('worker service process with event subscriptions', () => {
  it('handles published events next to tasks, reports the bus on /healthz, /stats and /metrics, and stops with exit 0', async () => {
    const { queue, producer } = await setupQueue();
    const events = await setupEvents();
    const subscription = events.sub('svc');
    const { module, ranFile, handledFile } = subscriptionModule({ subscription, pattern: events.name('*'), tasks: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const worker = spawnWorker(['--handlers', module], {
      KAFKA_BROKERS: testBrokers(),
      WORKER_NAME: uniqueName('svc-worker'),
      WORKER_QUEUES: queue,
      WORKER_CONCURRENCY: '4',
      WORKER_HTTP_PORT: String(port),
      WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      WORKER_TOPOLOGY_PARTITIONS: '3',
    });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 60_000, interval: 250 });
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ status: 'ok', state: 'running', bus: { ok: true, reasons: [] }, stats: { subscriptions: { [subscription]: { completed: 0 } } } });
    expect(worker.logged('event bus running')[0]).toContain('"concurrency":4');

    const bus = events.bus();
    await bus.start();
    const receipts = await bus.publishMany([
      events.event(events.name('greeted'), { n: 1 }, { tenantId: 'acme' }),
      events.event(events.name('user.created'), { n: 2 }, { tenantId: 'globex' }),
    ]);
    await producer.enqueue({ id: 'task-1', type: 'record_task', queue, payload: {} });
    await vi.waitFor(() => expect(ranIds(handledFile).sort()).toEqual(receipts.map((r) => r.id).sort()), { timeout: 60_000, interval: 200 });
    await vi.waitFor(() => expect(ranIds(ranFile)).toEqual(['task-1']), { timeout: 60_000, interval: 200 });

    await vi.waitFor(async () => expect(((await (await fetch(`${base}/stats`)).json()) as { subscriptions?: unknown }).subscriptions).toEqual({ [subscription]: { completed: 2, failed: 0, dead: 0, skipped: 0, parked: 0 } }), { timeout: 10_000, interval: 200 });
    await vi.waitFor(async () => expect(consumedCount(await (await fetch(`${base}/metrics`)).text(), subscription, 'completed')).toBe(2), { timeout: 10_000, interval: 200 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`switchyard_event_handler_runs_total{subscription="${subscription}",handler="record-event",status="success"} 2`);
    expect(metrics).toContain('switchyard_tasks_processed_total{');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', bus: { ok: true }, stats: { totalProcessed: 1, subscriptions: { [subscription]: { completed: 2 } } } });

    worker.child.kill('SIGTERM');
    await vi.waitFor(() => expect(worker.exit()).toBeDefined(), { timeout: SHUTDOWN_TIMEOUT_MS + 5_000, interval: 100 });
    expect(worker.exit()).toEqual({ code: 0, signal: null });
    expect(worker.logged('worker stopped')).toHaveLength(1);
    expect(worker.logged('subscription stopped')).toHaveLength(1);
    expect(worker.logged('worker service stopped cleanly')[0]).toContain(`"subscriptions":{"${subscription}":{"completed":2`);
    expect(worker.stderr()).toBe('');
  });

  it('runs a module with only subscriptions without WORKER_QUEUES: no task worker, the bus alone', async () => {
    const events = await setupEvents();
    const subscription = events.sub('svc');
    const { module, handledFile } = subscriptionModule({ subscription, pattern: events.name('*'), tasks: false });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const name = uniqueName('svc-bus');
    const worker = spawnWorker(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: name, WORKER_HTTP_PORT: String(port), WORKER_TOPOLOGY_PARTITIONS: '3' });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 60_000, interval: 250 });
    const bus = events.bus();
    await bus.start();
    const receipt = await bus.publish(events.event(events.name('greeted'), { n: 1 }, { tenantId: 'acme' }));
    await vi.waitFor(() => expect(ranIds(handledFile)).toEqual([receipt.id]), { timeout: 60_000, interval: 200 });
    await vi.waitFor(async () => expect(await (await fetch(`${base}/stats`)).json()).toMatchObject({ workerName: name, totalProcessed: 0, queues: {}, subscriptions: { [subscription]: { completed: 1 } } }), {
      timeout: 10_000,
      interval: 200,
    });
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ status: 'ok', state: 'running', bus: { ok: true } });

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.logged('worker running')).toHaveLength(0);
    expect(worker.logged('subscription stopped')).toHaveLength(1);
    expect(worker.logged('worker service stopped cleanly')).toHaveLength(1);
    expect(worker.stderr()).toBe('');
  });

  it('exits 2 and names the field when the subscriptions export is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-service-'));
    const module = join(dir, 'handlers.mjs');
    writeFileSync(module, "export const subscriptions = [{ name: 'Audit.Log', handlers: [{ eventName: 'user.*', handler: async () => {} }] }];\n");
    const worker = spawnWorker(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: 'w' });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr()).toContain(`SY_INVALID_CONFIG: Handlers module ${module}: its subscriptions export is invalid (1 problem):`);
    expect(worker.stderr()).toContain('subscriptions[0].name: must start with a-z');
    expect(worker.stderr()).toContain('Fix: Export `subscriptions`');
  });

  it('exits 2 when a module with only subscriptions is given queues', async () => {
    const { module } = subscriptionModule({ subscription: 'unused', pattern: 'x.*', tasks: false });
    const worker = spawnWorker(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: 'w', WORKER_QUEUES: 'emails' });
    expect(await worker.exited).toEqual({ code: 2, signal: null });
    expect(worker.stderr()).toContain('SY_INVALID_ENV: Handlers module');
    expect(worker.stderr()).toContain('exports only subscriptions (no task handlers), but WORKER_QUEUES names queue(s) emails');
    expect(worker.stderr()).toContain('Fix: Unset WORKER_QUEUES');
  });
});
