/**
 * Enqueues N example tasks (default 100) to the `example` queue with a few tenants and
 * priorities: `npx tsx services/worker/src/example-producer.ts 100` (KAFKA_BROKERS must be set).
 */
import { createKafkajsClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { isSwitchyardError, type TaskPriority } from '@switchyard/protocol';
import { TaskProducer, type EnqueueOptions, type EnqueueTask } from '@switchyard/worker';

const QUEUE = 'example';
const TENANTS = ['acme', 'globex', 'initech'] as const;
const PRIORITIES: readonly TaskPriority[] = ['critical', 'high', 'normal', 'normal', 'low'];

/** Task i of the run: mostly emails, some image resizes, one in 25 fails on purpose (retries, then DLQ). */
export function exampleTask(i: number, run: string): { task: EnqueueTask; options: EnqueueOptions } {
  const tenant = TENANTS[i % TENANTS.length]!;
  const priority = PRIORITIES[i % PRIORITIES.length]!;
  const base = { id: `${run}-${i}`, queue: QUEUE, priority };
  if (i % 25 === 24) return { task: { ...base, type: 'always_fails', payload: { i } }, options: { tenant } };
  if (i % 5 === 4) return { task: { ...base, type: 'resize_image', payload: { url: `https://example.com/${i}.png`, width: 640, height: 480 } }, options: { tenant } };
  return { task: { ...base, type: 'send_email', payload: { to: `user${i}@${tenant}.example`, subject: `hello #${i}` } }, options: { tenant } };
}

function countFromArgv(arg: string | undefined): number {
  const n = arg === undefined ? 100 : Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    console.error(`Invalid task count "${arg}": give a whole number from 1 to 1000000, e.g. \`npx tsx services/worker/src/example-producer.ts 100\`.`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const count = countFromArgv(process.argv[2]);
  const log = createLogger('example-producer', { level: process.env.LOG_LEVEL ?? 'warn' });
  const producer = new TaskProducer({ client: createKafkajsClient(kafkaSettingsFromEnv(), log) });
  const run = new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14);
  try {
    const receipts = await producer.enqueueMany(Array.from({ length: count }, (_, i) => exampleTask(i, run)));
    const byTopic = new Map<string, number>();
    for (const r of receipts) byTopic.set(r.topic, (byTopic.get(r.topic) ?? 0) + 1);
    console.log(`Enqueued ${receipts.length} task(s) to queue "${QUEUE}" (ids ${run}-0..${count - 1}):`);
    for (const [topic, n] of [...byTopic].sort()) console.log(`  ${topic}: ${n}`);
  } finally {
    await producer.disconnect();
  }
}

main().catch((error: unknown) => {
  if (isSwitchyardError(error)) console.error(`${error.code}: ${error.message}${error.hint ? `\nFix: ${error.hint}` : ''}`);
  else console.error(error);
  process.exitCode = isSwitchyardError(error) && (error.code === 'SY_INVALID_ENV' || error.code === 'SY_INVALID_CONFIG') ? 2 : 1;
});
