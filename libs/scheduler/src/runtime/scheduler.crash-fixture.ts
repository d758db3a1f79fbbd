/**
 * A scheduler process for the failover test (scheduler.failover.int.test.ts): prints the
 * partitions it owns and has synced as `{"ready":[...]}` lines whenever they change. Not part of
 * the library.
 */
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { Scheduler } from './scheduler.js';

const log = createLogger('scheduler-fixture', { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const scheduler = new Scheduler(
  client,
  { name: process.env.SCHEDULER_NAME!, partitions: Number(process.env.SCHEDULER_PARTITIONS), sessionTimeoutMs: 6_000, pollIntervalMs: 20, followQueues: [] },
  { log },
);
await scheduler.start();
let last = '';
setInterval(() => {
  const ready = JSON.stringify(scheduler.readyPartitions().sort((a, b) => a - b));
  if (ready !== last) {
    last = ready;
    process.stdout.write(`${JSON.stringify({ ready: JSON.parse(ready) })}\n`);
  }
}, 50);
process.on('SIGTERM', () => void scheduler.close().then(() => process.exit(0)));
