/**
 * Enqueues N example tasks (default 100) to the `example` queue with a few tenants and
 * priorities: `npx tsx services/worker/src/example-producer.ts 100`; or, with `--events`, publishes
 * N `example.greeted` events (default 3) for the `example-audit` subscription:
 * `npx tsx services/worker/src/example-producer.ts --events 5`. KAFKA_BROKERS must be set.
 */
import { parseArgs } from 'node:util';
import { createEventBus, type PublishEvent } from '@switchyard/events';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv, type KafkaClient, type Logger } from '@switchyard/kafka';
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

/** Event i of the run: `example.greeted` for one of the tenants, correlated by the run. */
export function exampleEvent(i: number, run: string): PublishEvent {
  const tenant = TENANTS[i % TENANTS.length]!;
  return {
    name: 'example.greeted',
    payload: { greeting: `hello #${i}`, to: `user${i}@${tenant}.example` },
    metadata: { source: 'example-producer', timestamp: new Date().toISOString(), tenantId: tenant, correlationId: `greet-${run}` },
  };
}

function usageError(message: string): never {
  console.error(`${message}\nUsage: npx tsx services/worker/src/example-producer.ts [tasks, default 100] | --events [events, default 3]`);
  process.exit(2);
}

function parseCommandLine(argv: readonly string[]): { kind: 'tasks' | 'events'; count: number } {
  let events: boolean | undefined;
  let positionals: string[];
  try {
    ({ values: { events }, positionals } = parseArgs({ args: [...argv], options: { events: { type: 'boolean' } }, allowPositionals: true, strict: true }));
  } catch (error) {
    usageError((error as Error).message);
  }
  const kind = events ? 'events' : 'tasks';
  const [arg, ...extra] = positionals;
  if (extra.length > 0) usageError(`Unexpected arguments: ${extra.join(' ')}.`);
  const n = arg === undefined ? (kind === 'events' ? 3 : 100) : Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) usageError(`Invalid ${kind === 'events' ? 'event' : 'task'} count "${arg}": give a whole number from 1 to 1000000.`);
  return { kind, count: n };
}

async function publishEvents(client: KafkaClient, log: Logger, count: number, run: string): Promise<void> {
  const bus = createEventBus({}, { client, log });
  await bus.start();
  try {
    const receipts = await bus.publishMany(Array.from({ length: count }, (_, i) => exampleEvent(i, run)));
    console.log(`Published ${receipts.length} example.greeted event(s) (correlation id greet-${run}) to ${[...new Set(receipts.map((r) => r.topic))].sort().join(', ')}.`);
  } finally {
    await bus.close();
  }
}

async function main(): Promise<void> {
  const { kind, count } = parseCommandLine(process.argv.slice(2));
  const log = createLogger('example-producer', { level: process.env.LOG_LEVEL ?? 'warn' });
  const client = createKafkaClient(kafkaSettingsFromEnv(), log);
  const run = new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14);
  if (kind === 'events') return publishEvents(client, log, count, run);
  const producer = new TaskProducer({ client });
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
