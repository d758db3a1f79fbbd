/**
 * What one transaction per call costs TaskProducer (issue 9 item 7), side by side on one broker:
 * `transactional` is TaskProducer as it is (each call one transaction, concurrent calls share
 * one), `plain` sends the same records (task envelope + queued status, built the same way) with an
 * idempotent non-transactional producer, as TaskProducer did before. Rounds alternate between the
 * two; the median of each is reported. Run: KAFKA_BROKERS=127.0.0.1:9092 npx tsx bench/producer/enqueue.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  createKafkaClient,
  createLogger,
  encodeTaskEnvelope,
  encodeTaskStatus,
  ensureTopology,
  kafkaSettingsFromEnv,
  laneTopic,
  planQueueTopology,
  taskStatusTopic,
  type ProducerPort,
} from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const client = createKafkaClient(kafkaSettingsFromEnv(process.env), createLogger('bench', { level: 'error' }));
const admin = client.admin();
await admin.connect();
const queue = `bench-${randomUUID().slice(0, 8)}`;
await ensureTopology(admin, { name: queue }, { partitions: 6 });
const payload = { blob: 'x'.repeat(1_000) };
const tenant = (i: number) => `t${i % 50}`;

const transactional = new TaskProducer({ client, queues: [queue] });
await transactional.connect();
const plainProducer: ProducerPort = client.producer({ idempotent: true });
await plainProducer.connect();

/** The records TaskProducer writes for `count` tasks, sent with the plain idempotent producer. */
async function plainEnqueue(count: number): Promise<void> {
  const now = new Date().toISOString();
  const lane = [];
  const status = [];
  for (let i = 0; i < count; i++) {
    const taskId = randomUUID();
    lane.push(encodeTaskEnvelope({ taskId, type: 'bench', queue, priority: 'normal', attempt: 0, createdAt: now, payload, tenant: tenant(i) }));
    status.push(encodeTaskStatus({ taskId, queue, type: 'bench', status: 'queued', attempt: 0, updatedAt: now, tenant: tenant(i) }));
  }
  await plainProducer.send([{ topic: laneTopic(queue, 'normal'), records: lane }, { topic: taskStatusTopic(queue), records: status }]);
}
const txEnqueue = (count: number) => transactional.enqueueMany(Array.from({ length: count }, (_, i) => ({ task: { type: 'bench', queue, payload }, options: { tenant: tenant(i) } }))).then(() => undefined);

interface Scenario {
  readonly name: string;
  readonly tasks: number;
  run(enqueue: (count: number) => Promise<void>): Promise<void>;
}
const scenarios: Scenario[] = [
  { name: 'enqueueMany 10,000 x 1 KB, one call', tasks: 10_000, run: (e) => e(10_000) },
  { name: 'enqueueMany 500 x 1 KB, 10 calls in a row', tasks: 5_000, run: async (e) => { for (let i = 0; i < 10; i++) await e(500); } },
  { name: 'enqueue 1 task, 200 calls in a row', tasks: 200, run: async (e) => { for (let i = 0; i < 200; i++) await e(1); } },
  { name: 'enqueue 1 task, 1,000 concurrent calls', tasks: 1_000, run: (e) => Promise.all(Array.from({ length: 1_000 }, () => e(1))).then(() => undefined) },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await txEnqueue(10);
await plainEnqueue(10);
const results = [];
for (const scenario of scenarios) {
  const times: Record<'plain' | 'transactional', number[]> = { plain: [], transactional: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, enqueue] of [['plain', plainEnqueue], ['transactional', txEnqueue]] as const) {
      const started = performance.now();
      await scenario.run(enqueue);
      times[name].push(performance.now() - started);
    }
  }
  const rate = (ms: number) => Math.round(scenario.tasks / (ms / 1_000));
  const row = { scenario: scenario.name, plainTasksPerSec: rate(median(times.plain)), transactionalTasksPerSec: rate(median(times.transactional)), ratio: +(median(times.plain) / median(times.transactional)).toFixed(2) };
  results.push(row);
  console.log(JSON.stringify(row));
}
const run = { machine: `${os.cpus().length} cores ${os.cpus()[0]?.model ?? ''}`, node: process.version, kafkajs: '2.2.4', rounds: ROUNDS, date: new Date().toISOString(), loadavg: os.loadavg(), results };
console.log(JSON.stringify({ ...run, results: undefined }));
const dir = new URL('../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`producer-${run.date.replace(/[:.]/g, '-')}.json`, dir), `${JSON.stringify(run, null, 2)}\n`);
await transactional.disconnect();
await plainProducer.disconnect();
await admin.deleteTopics(planQueueTopology({ name: queue }, { partitions: 6 }).map((s) => s.topic));
await admin.disconnect();
