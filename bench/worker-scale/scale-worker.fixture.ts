/**
 * One worker process of the scale-out and memory benchmark (run.ts): a Switchyard worker on
 * SCALE_QUEUE whose `scale_task` handler waits SCALE_HANDLER_MS (an I/O-bound handler; 0 = no-op),
 * at SCALE_CONCURRENCY. SIGTERM closes it gracefully. Not part of the library.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createWorker } from '@switchyard/worker';

const queue = process.env.SCALE_QUEUE!;
const handlerMs = Number(process.env.SCALE_HANDLER_MS ?? '0');
const log = createLogger('scale-worker', { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const worker = createWorker(
  client,
  { config: { name: process.env.SCALE_WORKER!, queues: [queue], queueConfigs: [{ name: queue, concurrency: Number(process.env.SCALE_CONCURRENCY ?? '10') }] } },
  { scale_task: handlerMs > 0 ? async () => void (await sleep(handlerMs)) : async () => undefined },
  { log },
);
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0), () => process.exit(1)));
