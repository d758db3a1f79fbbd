/**
 * A worker process for the crash test (worker.crash.int.test.ts): every task it runs appends
 * its id to OUT_FILE synchronously, so the file survives SIGKILL. Not part of the library.
 */
import { appendFileSync } from 'node:fs';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createWorker } from './worker.js';

const queue = process.env.CRASH_QUEUE!;
const out = process.env.CRASH_OUT_FILE!;
const log = createLogger('crash-fixture', { level: 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const worker = createWorker(
  client,
  {
    config: { name: `crash-${queue}`, queues: [queue], queueConfigs: [{ name: queue, concurrency: 20 }] },
    instanceId: 'crash-instance',
    sessionTimeoutMs: 6_000,
    commitIntervalMs: 100,
    maxUncommitted: Number(process.env.CRASH_MAX_UNCOMMITTED),
  },
  { crash_task: async (task) => void appendFileSync(out, `${task.id}\n`) },
  { log },
);
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
