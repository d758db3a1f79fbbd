/**
 * A subscriber process for subscription.processes.int.test.ts: every event its handler runs is
 * appended (`<event id> <pid>`) to OUT_FILE synchronously, so the file survives SIGKILL. Not part
 * of the library.
 */
import { appendFileSync } from 'node:fs';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { createEventBus } from './event-bus.js';

const domain = process.env.FIXTURE_DOMAIN!;
const out = process.env.FIXTURE_OUT_FILE!;
const log = createLogger('events-fixture', { level: process.env.LOG_LEVEL ?? 'warn' });
const bus = createEventBus({ queue: { concurrency: 20 } }, { client: createKafkaClient(kafkaSettingsFromEnv(), log), topology: { partitions: 4 }, log });
bus.subscribe(
  {
    id: 'record',
    eventName: `${domain}.*`,
    handler: async (event) => {
      appendFileSync(out, `${event.id} ${process.pid}\n`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    },
  },
  { name: process.env.FIXTURE_SUBSCRIPTION!, sessionTimeoutMs: 6_000, eventLog: false, maxUncommitted: Number(process.env.FIXTURE_MAX_UNCOMMITTED) },
);
await bus.start();
appendFileSync(out, `ready ${process.pid}\n`);
process.on('SIGTERM', () => void bus.close().then(() => process.exit(0)));
