/**
 * A worker process for the zombie test (worker.zombie.int.test.ts): every task it runs appends
 * `<instance> <task id>` to OUT_FILE synchronously, then fails for good (a dead letter per task).
 * It logs at info on stdout (pino JSON), so the test sees the committer's messages. Not part of
 * the library.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { UnrecoverableError } from '@switchyard/protocol';
import { createWorker } from './worker.js';

const queue = process.env.ZOMBIE_QUEUE!;
const out = process.env.ZOMBIE_OUT_FILE!;
const instance = process.env.ZOMBIE_INSTANCE!;
const log = createLogger(`zombie-${instance}`, { level: 'info' });
const worker = createWorker(
  createKafkaClient(kafkaSettingsFromEnv(), log),
  {
    config: { name: `zombie-${queue}`, queues: [queue], queueConfigs: [{ name: queue, concurrency: 5 }] },
    instanceId: `zombie-${instance}`,
    sessionTimeoutMs: 6_000,
    commitIntervalMs: Number(process.env.ZOMBIE_COMMIT_INTERVAL_MS),
    maxUncommitted: 100_000,
  },
  {
    zombie_task: async (task) => {
      await sleep(50);
      appendFileSync(out, `${instance} ${task.id}\n`);
      throw new UnrecoverableError('dead on purpose');
    },
  },
  { log },
);
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
