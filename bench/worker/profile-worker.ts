/**
 * Where the worker's CPU goes: preloads a queue with `--tasks` no-op tasks (1 KB payloads, 1,000
 * tenants, 6 partitions: bench (a)'s shape), then runs the Switchyard worker until every task is
 * committed under the V8 profiler (node:inspector, this process only, preload excluded) and prints
 * self time by area, the top self frames and the top inclusive frames.
 *
 *   npx tsx bench/worker/profile-worker.ts [--tasks 50000] [--client platformatic] [--out <file.cpuprofile>] [--max-uncommitted N] [--no-completed]
 *
 * `--max-uncommitted` sets the worker's rerun window (default: the worker's default), to see how
 * much of the throughput the window bounds (one transaction at a time: about window / 2 per
 * transaction round trip). `--no-completed` runs it with `statusOnSuccess: false` (no completed
 * records: what the bare loop is compared with).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { workerGroup } from '@switchyard/kafka';
import { BenchResources, createBenchQueue, openBenchKafka, PAYLOAD_1KB, preloadTasks, uniqueQueue } from './bench-kafka.js';
import { resolveBroker } from './bench-env.js';
import { runSwitchyard } from './throughput.contenders.js';
import { summarize, type CpuProfile } from '../profile/cpu-profile-summary.js';
import { parseClientFlag } from '../clients/bench-clients.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '50000' }, client: { type: 'string' }, out: { type: 'string' }, top: { type: 'string', default: '25' }, 'max-uncommitted': { type: 'string' }, 'no-completed': { type: 'boolean', default: false } } });
const tasks = Number(values.tasks);
if (!Number.isInteger(tasks) || tasks < 1_000) throw new Error('--tasks must be a whole number >= 1000');

const broker = await resolveBroker();
const k = await openBenchKafka(broker.bootstrap, parseClientFlag(values.client, 'usage: npx tsx bench/worker/profile-worker.ts [--tasks N] [--client kafkajs|platformatic] [--out file]'));
const res = new BenchResources();
const session = new Session();
try {
  const queue = uniqueQueue('prof');
  await createBenchQueue(k, res, queue, 6, [workerGroup(`${queue}-worker`)]);
  const preloadMs = await preloadTasks(k, { queue, lane: 'normal', count: tasks, task: (i) => ({ type: 'noop', tenant: `tenant-${i % 1000}`, payload: PAYLOAD_1KB }) });
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const maxUncommitted = values['max-uncommitted'] === undefined ? undefined : Number(values['max-uncommitted']);
  const tuning = { ...(maxUncommitted === undefined ? {} : { maxUncommitted }), ...(values['no-completed'] ? { statusOnSuccess: false } : {}) };
  const result = await runSwitchyard(k, queue, { tasks, concurrency: 50, partitions: 6, timeoutMs: 120_000 + tasks * 5, preloadMs }, tuning);
  const cpu = process.cpuUsage(cpuBefore);
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  if (values.out) writeFileSync(values.out, JSON.stringify(profile));
  const summary = summarize(profile, Number(values.top));
  console.log(`client ${k.clientName}${maxUncommitted === undefined ? '' : `, maxUncommitted ${maxUncommitted}`}${values['no-completed'] ? ', no completed records' : ''}: ${tasks} tasks, ${result.tasksPerSec} tasks/s, ${Math.round(((cpu.user + cpu.system) / tasks) * 10) / 10} µs CPU/task (profiler on); profile ${summary.totalMs} ms, idle ${summary.idleMs} ms`);
  for (const [title, rows] of [['self time by area', summary.byArea], ['self time', summary.self], ['inclusive time', summary.inclusive]] as const) {
    console.log(`-- ${title}`);
    for (const [ms, share, name] of rows) console.log(`${String(ms).padStart(7)} ms ${String(share).padStart(5)}%  ${name}`);
  }
} finally {
  session.disconnect();
  await res.cleanup(k.log);
  await k.close();
}
process.exit(0);
