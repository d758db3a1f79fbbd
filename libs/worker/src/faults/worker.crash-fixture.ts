/**
 * A worker process for the crash fault test (worker.crash.fault.test.ts): every attempt it starts
 * appends `<process>\t<task id>\t<attempt>` to CRASH_OUT_FILE synchronously, so the file survives
 * SIGKILL. A task's payload says how it ends: `ok` succeeds, `flaky` fails its first attempt,
 * `dead` fails every attempt (dead-lettered after its retries), `unrecoverable` throws
 * UnrecoverableError (dead-lettered at once). Not part of the library.
 */
import { appendFileSync } from 'node:fs';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { UnrecoverableError, type QueueConfigInput } from '@switchyard/protocol';
import { createWorker } from '../worker.js';

const queueConfig = JSON.parse(process.env.CRASH_QUEUE_CONFIG!) as QueueConfigInput & { name: string };
const out = process.env.CRASH_OUT_FILE!;
const proc = process.env.CRASH_PROCESS!;
const log = createLogger(`crash-fixture-${proc}`, { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const worker = createWorker(
  client,
  {
    config: { name: `crash-${queueConfig.name}`, queues: [queueConfig.name], queueConfigs: [queueConfig] },
    // Unordered: a task waiting for its retry does not hold up its tenant's later tasks.
    queueOptions: { [queueConfig.name]: { ordered: false } },
    // Absent: the default, a random id per start (the dead process's open transaction is then
    // aborted by the broker after transactionTimeoutMs instead of fenced at once).
    ...(process.env.CRASH_INSTANCE ? { instanceId: process.env.CRASH_INSTANCE } : {}),
    sessionTimeoutMs: Number(process.env.CRASH_SESSION_TIMEOUT_MS),
    transactionTimeoutMs: Number(process.env.CRASH_TRANSACTION_TIMEOUT_MS),
    commitIntervalMs: Number(process.env.CRASH_COMMIT_INTERVAL_MS),
    maxUncommitted: Number(process.env.CRASH_MAX_UNCOMMITTED),
  },
  {
    crash_task: async (task) => {
      appendFileSync(out, `${proc}\t${task.id}\t${task.attempt}\n`);
      const { kind } = task.payload as { kind: string };
      if (kind === 'flaky' && task.attempt === 1) throw new Error('flaky: its first attempt fails');
      if (kind === 'dead') throw new Error('dead: every attempt fails');
      if (kind === 'unrecoverable') throw new UnrecoverableError('unrecoverable: dead-lettered at once');
    },
  },
  { log },
);
await worker.start();
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
