/**
 * Switchyard contender: one scheduler process owning every partition, BENCH_JOBS jobs firing at
 * second 0 of every minute into one queue, for BENCH_ROUNDS minutes. Lag = commit of the firing
 * transaction minus the tick. Prints one ContenderResult JSON line.
 */
import { createKafkaClient, createLogger, ensureTopology, kafkaSettingsFromEnv, planQueueTopology } from '@switchyard/kafka';
import { JobStore, Scheduler, planSchedulerTopics } from '@switchyard/scheduler';
import { rssSampler, summarize } from './contender-stats.js';

const jobs = Number(process.env.BENCH_JOBS);
const rounds = Number(process.env.BENCH_ROUNDS);
const id = process.env.BENCH_ID!;
const partitions = 6;
const log = createLogger('bench-scheduler', { level: 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const queue = `bsq-${id}`;
const name = `bench-${id}`;
const admin = client.admin();
await admin.connect();
await ensureTopology(admin, { name: queue }, { partitions });
const store = new JobStore(client, { name, partitions });
await store.connect();
await store.upsertMany(
  Array.from({ length: jobs }, (_, i) => ({
    id: `job-${i}`,
    name: 'bench_job',
    handler: 'bench_task',
    schedule: { type: 'cron' as const, expression: '0 * * * * *' },
    target: { kind: 'task' as const, queue, tenant: `t${i % 100}`, payload: { i } },
  })),
);
await store.disconnect();

const peak = rssSampler();
const lags: number[] = [];
const seen = new Set<string>();
let duplicates = 0;
let firstTick: number | undefined;
let done: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));
const startedAt = Date.now();
const scheduler = new Scheduler(client, { name, partitions, maxJobsPerTransaction: 2_000 }, {
  log,
  onFired: (f) => {
    // Measured rounds start at the first minute at least 10 s after start-up (partitions synced).
    firstTick ??= Math.ceil((startedAt + 10_000) / 60_000) * 60_000;
    if (f.tick < firstTick || f.tick >= firstTick + rounds * 60_000) return;
    if (seen.has(f.executionId)) duplicates++;
    seen.add(f.executionId);
    lags.push(f.committedAt - f.tick);
    if (lags.length >= jobs * rounds) done();
  },
});
await scheduler.start();
await finished;
const rss = peak();
await scheduler.close();
await admin.deleteTopics([...planQueueTopology({ name: queue }, { partitions }).map((s) => s.topic), ...planSchedulerTopics({ name, partitions, replicationFactor: 1, logRetentionMs: 1 }).map((s) => s.topic)]).catch(() => undefined);
await admin.disconnect();
process.stdout.write(`${JSON.stringify(summarize('switchyard scheduler', jobs, rounds, lags, duplicates, rss, 'commit of the firing transaction (task in Kafka)'))}\n`);
process.exit(0);
