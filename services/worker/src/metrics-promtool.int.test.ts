import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ensureTopology, planQueueTopology, subscriptionGroup, workerGroup } from '@switchyard/kafka';
import { PROMTOOL_MISSING, promtoolAvailable, promtoolCheckMetrics, testAdmin, testBrokers, testClient, uniqueName } from '@switchyard/testing';
import { TaskProducer } from '@switchyard/worker';
import { setupEvents } from '../../../libs/events/src/events.test-support.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs services/worker/src/main.ts (as services/worker/src/main.int.test.ts does). `stop()` sends
 * SIGTERM and resolves the exit code; a process still running when the test finishes is killed.
 */
function spawnWorkerService(args: readonly string[], env: Record<string, string>): { stop(): Promise<number | null> } {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(WORKER_|SWITCHYARD_|KAFKA_)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/worker/src/main.ts', ...args], { cwd: REPO_ROOT, env: { ...inherited, LOG_LEVEL: 'warn', ...env }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onTestFinished(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  return {
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A handlers module with the task type `record_task` and the subscription `subscription` on `pattern`; each handler appends to a file. */
function handlersModule(subscription: string, pattern: string) {
  const dir = mkdtempSync(join(tmpdir(), 'worker-metrics-'));
  const ranFile = join(dir, 'ran.txt');
  const handledFile = join(dir, 'handled.txt');
  const module = join(dir, 'handlers.mjs');
  writeFileSync(
    module,
    [
      `import { appendFileSync } from 'node:fs';`,
      `export default { record_task: async (task) => { appendFileSync(${JSON.stringify(ranFile)}, task.id + '\\n'); } };`,
      `export const subscriptions = [{ name: ${JSON.stringify(subscription)}, handlers: [{ id: 'record-event', eventName: ${JSON.stringify(pattern)}, handler: async (event) => { appendFileSync(${JSON.stringify(handledFile)}, event.id + '\\n'); } }] }];`,
      '',
    ].join('\n'),
  );
  return { module, ranFile, handledFile };
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('worker service /metrics', () => {
  it('passes promtool check metrics with tasks and events handled', async (ctx) => {
    if (!promtoolAvailable()) ctx.skip(PROMTOOL_MISSING);
    const client = testClient();
    const admin = await testAdmin(client);
    const queue = uniqueName('metrics').replace(/[^a-z0-9_-]/g, '');
    admin.deleteAfterTest(planQueueTopology({ name: queue }, { partitions: 1 }).map((s) => s.topic));
    await ensureTopology(admin, { name: queue }, { partitions: 1 });
    const producer = new TaskProducer({ client, queues: [queue] });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const events = await setupEvents(1);
    const subscription = events.sub('metrics');
    const { module, ranFile, handledFile } = handlersModule(subscription, events.name('*'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const workerName = uniqueName('metrics-worker');
    // The worker's and the subscription's groups hold committed offsets: deleted after the test.
    admin.deleteGroupsAfterTest([workerGroup(workerName), subscriptionGroup(subscription)]);
    const service = spawnWorkerService(['--handlers', module], { KAFKA_BROKERS: testBrokers(), WORKER_NAME: workerName, WORKER_QUEUES: queue, WORKER_HTTP_PORT: String(port), WORKER_TOPOLOGY_PARTITIONS: '1' });
    await vi.waitFor(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200), { timeout: 60_000, interval: 250 });

    const bus = events.bus();
    await bus.start();
    await bus.publish(events.event(events.name('greeted'), { n: 1 }, { tenantId: 'acme' }));
    await producer.enqueue({ id: 'task-1', type: 'record_task', queue, payload: {} });
    await vi.waitFor(() => expect([lines(ranFile), lines(handledFile).length]).toEqual([['task-1'], 1]), { timeout: 60_000, interval: 200 });
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

    expect(await service.stop()).toBe(0);
  });
});
