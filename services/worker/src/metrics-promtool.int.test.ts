import { describe, expect, it, vi } from 'vitest';
import { subscriptionGroup, workerGroup } from '@switchyard/kafka';
import { PROMTOOL_MISSING, promtoolAvailable, promtoolCheckMetrics, setupEvents, testBrokers, uniqueName } from '@switchyard/testing';
import { freePort, ranIds, setupQueue, spawnWorker, subscriptionModule } from './worker-service.test-support.js';

describe('worker service /metrics', () => {
  it('passes promtool check metrics with tasks and events handled', async (ctx) => {
    if (!promtoolAvailable()) ctx.skip(PROMTOOL_MISSING);
    const { queue, producer, admin } = await setupQueue(1);
    const events = await setupEvents(1);
    const subscription = events.sub('metrics');
    const { module, ranFile, handledFile } = subscriptionModule({ subscription, pattern: events.name('*'), tasks: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const workerName = uniqueName('metrics-worker');
    // The worker's and the subscription's groups hold committed offsets: deleted after the test.
    admin.deleteGroupsAfterTest([workerGroup(workerName), subscriptionGroup(subscription)]);
    const service = spawnWorker(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: workerName, WORKER_QUEUES: queue, WORKER_HTTP_PORT: String(port), WORKER_TOPOLOGY_PARTITIONS: '1' });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 60_000, interval: 250 });

    const bus = events.bus();
    await bus.start();
    await bus.publish(events.event(events.name('greeted'), { n: 1 }, { tenantId: 'acme' }));
    await producer.enqueue({ id: 'task-1', type: 'record_task', queue, payload: {} });
    await vi.waitFor(() => expect([ranIds(ranFile), ranIds(handledFile).length]).toEqual([['task-1'], 1]), { timeout: 60_000, interval: 200 });
    await vi.waitFor(
      async () => {
        const text = await (await fetch(`${base}/metrics`)).text();
        expect(text).toMatch(/^switchyard_tasks_processed_total\{.*outcome="succeeded"\} 1$/m);
        expect(text).toMatch(/^switchyard_event_handler_runs_total\{.*status="success"\} 1$/m);
      },
      { timeout: 10_000, interval: 200 },
    );

    const exposition = await (await fetch(`${base}/metrics`)).text();
    // Default Node metrics, the worker's and the event bus's, all in the output promtool checks.
    for (const family of ['process_cpu_seconds_total', 'nodejs_active_handles', 'switchyard_task_duration_seconds', 'switchyard_events_consumed_total', 'switchyard_event_handler_duration_seconds']) {
      expect(exposition).toContain(`# TYPE ${family} `);
    }
    const verdict = promtoolCheckMetrics(exposition);
    expect(verdict.output).toBe('');
    expect(verdict.exitCode).toBe(0);

    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  });
});
