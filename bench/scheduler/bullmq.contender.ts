/**
 * BullMQ contender: BENCH_JOBS job schedulers (repeatable jobs, pattern at second 0 of every
 * minute) on the Redis at BENCH_REDIS_URL, one Worker (concurrency 100), for BENCH_ROUNDS minutes.
 * Lag = the worker picking the job up minus its scheduled time (BullMQ has no separate "fired"
 * moment to observe: a repeatable job waits as a delayed job until the worker promotes it).
 */
import { Queue, Worker } from 'bullmq';
import { rssSampler, summarize } from './contender-stats.js';

const jobs = Number(process.env.BENCH_JOBS);
const rounds = Number(process.env.BENCH_ROUNDS);
const url = new URL(process.env.BENCH_REDIS_URL!);
const connection = { host: url.hostname, port: Number(url.port || 6379) };
const name = `bench-sched-${process.env.BENCH_ID}`;
const queue = new Queue(name, { connection });
for (let i = 0; i < jobs; i += 500) {
  await Promise.all(Array.from({ length: Math.min(500, jobs - i) }, (_, j) => queue.upsertJobScheduler(`job-${i + j}`, { pattern: '0 * * * * *' }, { name: 'bench_task', data: { i: i + j } })));
}
const peak = rssSampler();
const startedAt = Date.now();
const lags: number[] = [];
const seen = new Set<string>();
let duplicates = 0;
let firstTick: number | undefined;
let done: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));
const worker = new Worker(
  name,
  async (job) => {
    const now = Date.now();
    const tick = job.timestamp + (job.opts.delay ?? 0);
    // Measured rounds start at the first minute at least 10 s after start-up, as for Switchyard.
    firstTick ??= Math.ceil((startedAt + 10_000) / 60_000) * 60_000;
    if (tick < firstTick - 1_000 || tick >= firstTick + rounds * 60_000 - 1_000) return;
    const key = `${job.repeatJobKey ?? job.name}:${Math.round(tick / 1_000)}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
    lags.push(now - tick);
    if (lags.length >= jobs * rounds) done();
  },
  { connection, concurrency: 100 },
);
await finished;
const rss = peak();
await worker.close();
await queue.obliterate({ force: true }).catch(() => undefined);
await queue.close();
process.stdout.write(`${JSON.stringify(summarize('BullMQ job schedulers', jobs, rounds, lags, duplicates, rss, 'worker pickup (Date.now() in the processor)'))}\n`);
process.exit(0);
