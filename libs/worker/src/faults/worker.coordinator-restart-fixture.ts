/**
 * A worker process for the coordinator-restart test (worker.coordinator-restart.fault.test.ts):
 * every task it runs appends its id to OUT_FILE synchronously (a `cr_slow` task appends it to
 * STARTED_FILE when it starts, then sleeps `payload.ms` first), and it answers `GET /healthz` on
 * HEALTH_PORT from `worker.health()` (200 when ok, else 503), the same reading services/worker's
 * /healthz serves. It installs no uncaughtException handler: anything the client throws out of
 * band takes the process down, which the test sees. Warnings and errors go to stdout (pino JSON).
 * Not part of the library.
 */
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createWorker } from '../worker.js';

const queue = process.env.CR_QUEUE!;
const out = process.env.CR_OUT_FILE!;
const started = process.env.CR_STARTED_FILE!;
const log = createLogger('coordinator-restart-fixture', { level: 'warn' });
const worker = createWorker(
  createKafkaClient(kafkaSettingsFromEnv(), log),
  {
    config: { name: `cr-${queue}`, queues: [queue], queueConfigs: [{ name: queue, concurrency: 10 }] },
    instanceId: process.env.CR_INSTANCE!,
    sessionTimeoutMs: Number(process.env.CR_SESSION_TIMEOUT_MS),
    transactionTimeoutMs: Number(process.env.CR_TRANSACTION_TIMEOUT_MS),
    commitIntervalMs: Number(process.env.CR_COMMIT_INTERVAL_MS),
  },
  {
    cr_task: async (task) => void appendFileSync(out, `${task.id}\n`),
    cr_slow: async (task) => {
      appendFileSync(started, `${task.id}\n`);
      await sleep((task.payload as { ms: number }).ms);
      appendFileSync(out, `${task.id}\n`);
    },
  },
  { log },
);
const http = createServer((request, response) => {
  const health = worker.health();
  response.writeHead(request.url === '/healthz' ? (health.ok ? 200 : 503) : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(health));
});
await new Promise<void>((resolve) => http.listen(Number(process.env.CR_HEALTH_PORT), '127.0.0.1', resolve));
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => http.close(() => process.exit(0))));
