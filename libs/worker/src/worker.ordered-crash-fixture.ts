/**
 * A worker process for the ordered-crash test (worker.ordered-crash.int.test.ts): every attempt
 * appends `<task id>#<attempt>` to OUT_FILE synchronously (it survives SIGKILL); a task whose id
 * starts with `poison` fails its first attempt and is retried after ORDERED_CRASH_BACKOFF_MS. Not
 * part of the library.
 */
import { appendFileSync } from 'node:fs';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createWorker } from './worker.js';

const queue = process.env.ORDERED_CRASH_QUEUE!;
const out = process.env.ORDERED_CRASH_OUT_FILE!;
const backoffMs = Number(process.env.ORDERED_CRASH_BACKOFF_MS);
const log = createLogger('ordered-crash-fixture', { level: 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const retryPolicy = { maxRetries: 1, backoffStrategy: 'fixed' as const, initialDelayMs: backoffMs, maxDelayMs: backoffMs, backoffMultiplier: 1 };
const worker = createWorker(
  client,
  {
    config: { name: `ordered-crash-${queue}`, queues: [queue], queueConfigs: [{ name: queue, concurrency: 4, defaultRetryPolicy: retryPolicy }] },
    instanceId: 'ordered-crash-instance',
    sessionTimeoutMs: 6_000,
    commitIntervalMs: 50,
  },
  {
    ordered_step: async (task) => {
      appendFileSync(out, `${task.id}#${task.attempt}\n`);
      if (task.id.startsWith('poison') && task.attempt === 1) throw new Error('first attempt fails');
    },
  },
  { log },
);
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
