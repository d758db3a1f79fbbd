/**
 * Helpers of the worker service's process tests (main.int.test.ts, metrics-promtool.int.test.ts):
 * the service as a child process, handler modules written to a temp dir, a fresh queue.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { ensureTopology, planQueueTopology } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { TaskProducer } from '@switchyard/worker';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs services/worker/src/main.ts as its own process. It is started as `node --import tsx`
 * rather than `npx tsx`: npx (npm exec) does not pass SIGTERM on to its child, so the signal
 * tests would hit npm instead of the worker. The child is killed when the test finishes.
 */
export function spawnWorker(args: readonly string[], env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(WORKER_|SWITCHYARD_|KAFKA_)/.test(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/worker/src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal }))));
  onTestFinished(async () => {
    if (exit) return;
    child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    exited,
    exit: () => exit,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Log lines (JSON) with this msg. */
    logged: (msg: string) => stdout.split('\n').filter((line) => line.includes(`"msg":"${msg}"`)),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A handlers module in a temp dir: each task type appends `<task id>` to a file. */
export function handlersModule(types: Record<string, string>): { module: string; ranFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'worker-service-'));
  const ranFile = join(dir, 'ran.txt');
  const entries = Object.entries(types).map(([type, body]) => `  ${type}: async (task) => { appendFileSync(${JSON.stringify(ranFile)}, task.id + '\\n'); ${body} },`);
  const module = join(dir, 'handlers.mjs');
  writeFileSync(module, `import { appendFileSync } from 'node:fs';\nimport { setTimeout as sleep } from 'node:timers/promises';\nexport default {\n${entries.join('\n')}\n};\n`);
  return { module, ranFile };
}

/**
 * A handlers module exporting the subscription `subscription` on `pattern`: each handled event
 * appends `<event id>` to a file. With `tasks`, it also has the task type `record_task`.
 */
export function subscriptionModule({ subscription, pattern, tasks }: { subscription: string; pattern: string; tasks: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'worker-service-'));
  const ranFile = join(dir, 'ran.txt');
  const handledFile = join(dir, 'handled.txt');
  const module = join(dir, 'handlers.mjs');
  writeFileSync(
    module,
    [
      `import { appendFileSync } from 'node:fs';`,
      ...(tasks ? [`export default { record_task: async (task) => { appendFileSync(${JSON.stringify(ranFile)}, task.id + '\\n'); } };`] : []),
      `export const subscriptions = [{ name: ${JSON.stringify(subscription)}, handlers: [{ id: 'record-event', eventName: ${JSON.stringify(pattern)}, handler: async (event) => { appendFileSync(${JSON.stringify(handledFile)}, event.id + '\\n'); } }] }];`,
      '',
    ].join('\n'),
  );
  return { module, ranFile, handledFile };
}

export function ranIds(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** A fresh queue with `partitions` partitions (topics deleted after the test) and a producer for it. */
export async function setupQueue(partitions = 3) {
  const client = testClient();
  const admin = await testAdmin(client);
  const queue = uniqueName('svc').replace(/[^a-z0-9_-]/g, '');
  admin.deleteAfterTest(planQueueTopology({ name: queue }, { partitions }).map((s) => s.topic));
  await ensureTopology(admin, { name: queue }, { partitions });
  const producer = new TaskProducer({ client, queues: [queue] });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  return { queue, producer, admin };
}
