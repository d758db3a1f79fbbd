/**
 * Scale-out and memory of the worker (issue 11 item 4), each worker its own process
 * (`scale-worker.fixture.ts`) on the same broker:
 *
 * (s) throughput with 1, 2 and 4 worker processes of one group on an I/O-bound handler (it waits
 *     `--handler-ms`, 5 ms), `--concurrency` per process, over `--tasks` preloaded tasks on
 *     `--partitions` partitions (12: 4 processes get 3 each). The processes start first; once the
 *     group is stable with all of them, the tasks are written (faster than they are consumed).
 *     Rate = tasks / time from the first committed offset to the last (the group's committed
 *     offsets, polled every 100 ms), and the steady rate between 10% and 90% of them.
 * (m) the resident memory (VmRSS, sampled every 250 ms from /proc) of one worker process with
 *     `--memory-tasks` tasks (1 KB payloads, no-op handler) queued ahead of it, from its start
 *     until `--memory-seconds` have passed or every task is committed. Goal: <= 200 MB.
 *
 *     Beside VmRSS, the process reports process.memoryUsage() over IPC (heapUsed, heapTotal,
 *     external, arrayBuffers); `--memory-gc-ms N` runs it with --expose-gc and a full GC every N ms
 *     before a sample (the live heap); `--heap-snapshots 100000,400000` writes heap snapshots to /tmp
 *     after that many tasks (compare them in Chrome DevTools' Memory tab); `--alloc-profile N` samples
 *     every allocation (garbage included) until N tasks and writes a .heapprofile to /tmp;
 *     `--worker-node-args` passes node flags to the worker process (to measure V8's sizing, not to tune it).
 *
 *   npm run bench:worker-scale -- [--quick] [--only s|m] [--procs 1,2,4] [--tasks 30000] [--memory-tasks 1000000]
 *
 * Writes bench/results/worker-scale-<date>.json. Every wait has a deadline; topics and groups
 * are deleted at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { laneTopic, workerGroup } from '@switchyard/kafka';
import { BenchResources, createBenchQueue, openBenchKafka, PAYLOAD_1KB, preloadTasks, uniqueQueue, type BenchKafka } from '../worker/bench-kafka.js';
import { collectEnv, resolveBroker } from '../worker/bench-env.js';
import { round, sleep } from '../worker/bench-timing.js';
import { writeReport } from '../worker/report.js';
import { parseClientFlag } from '../clients/bench-clients.js';

const FIXTURE = fileURLToPath(new URL('./scale-worker.fixture.ts', import.meta.url));
const usage = 'usage: npm run bench:worker-scale -- [--quick] [--only s|m] [--procs 1,2,4] [--tasks N] [--handler-ms 5] [--concurrency 20] [--partitions 12] [--memory-tasks N] [--memory-seconds 60] [--memory-gc-ms 0] [--heap-snapshots 100000,400000] [--alloc-profile 200000] [--worker-node-args "--max-semi-space-size=16"] [--client platformatic]';
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    procs: { type: 'string', default: '1,2,4' },
    tasks: { type: 'string' },
    'handler-ms': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '20' },
    partitions: { type: 'string', default: '12' },
    'memory-tasks': { type: 'string' },
    'memory-seconds': { type: 'string', default: '60' },
    'memory-gc-ms': { type: 'string', default: '0' },
    'heap-snapshots': { type: 'string', default: '' },
    'alloc-profile': { type: 'string', default: '0' },
    'worker-node-args': { type: 'string', default: '' },
    client: { type: 'string' },
  },
});
const whole = (name: string, raw: string | undefined, fallback: number, min: number) => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}; ${usage}`);
  return n;
};
const procs = values.procs.split(',').map((p) => whole('procs', p, 1, 1));
const tasks = whole('tasks', values.tasks, values.quick ? 6_000 : 30_000, 100);
const handlerMs = whole('handler-ms', values['handler-ms'], 5, 0);
const concurrency = whole('concurrency', values.concurrency, 20, 1);
const partitions = whole('partitions', values.partitions, 12, 1);
const memoryTasks = whole('memory-tasks', values['memory-tasks'], values.quick ? 50_000 : 1_000_000, 1_000);
const memorySeconds = whole('memory-seconds', values['memory-seconds'], values.quick ? 15 : 60, 5);
const memoryGcMs = whole('memory-gc-ms', values['memory-gc-ms'], 0, 0);
const heapSnapshots = values['heap-snapshots'].split(',').filter(Boolean).map((n) => whole('heap-snapshots', n, 0, 1)).join(',');
const allocProfile = whole('alloc-profile', values['alloc-profile'], 0, 0);
const only = new Set((values.only ?? 's,m').split(','));
const clientName = parseClientFlag(values.client, usage);

/** Sum of a group's committed offsets on one topic, through the Switchyard admin (kafkajs' admin keeps deleted topics in its metadata and then fails every call). */
async function committedOffsets(k: BenchKafka, groupId: string, topic: string): Promise<number> {
  const offsets = await k.admin.groupOffsets(groupId, [topic]);
  return offsets.reduce((sum, o) => sum + Math.max(0, Number(o.offset)), 0);
}

/** Extra for the memory run's process: node flags, env (the fixture's memory probes) and an IPC channel for its samples. */
interface WorkerProbe {
  readonly nodeArgs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

function startWorkers(k: BenchKafka, queue: string, worker: string, count: number, handler: number, probe?: WorkerProbe): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, [...(probe?.nodeArgs ?? []), '--import', 'tsx', FIXTURE], {
      env: {
        ...process.env,
        KAFKA_BROKERS: k.bootstrap,
        KAFKA_CLIENT: k.clientName,
        SCALE_QUEUE: queue,
        SCALE_WORKER: worker,
        SCALE_HANDLER_MS: String(handler),
        SCALE_CONCURRENCY: String(concurrency),
        LOG_LEVEL: process.env.SCALE_LOG_LEVEL ?? 'warn',
        ...probe?.env,
      },
      stdio: probe ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit'],
    }),
  );
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Resident memory of a process in MiB (VmRSS), undefined once it is gone. */
function rssMiB(pid: number | undefined): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : round(Number(kb) / 1024, 1);
  } catch {
    return undefined;
  }
}

interface ScaleResult {
  readonly processes: number;
  readonly tasks: number;
  readonly tasksPerSec: number;
  readonly steadyTasksPerSec: number;
  /** From the start of writing the tasks. */
  readonly firstCommitAfterMs: number;
  readonly membersJoined: number;
  readonly maxRssMiB: number;
}

/** (s): `count` worker processes over `tasks` preloaded tasks; committed offsets polled every 100 ms. */
async function scaleRun(k: BenchKafka, res: BenchResources, count: number): Promise<ScaleResult> {
  const queue = uniqueQueue(`scale${count}`);
  const worker = `${queue}-w`;
  await createBenchQueue(k, res, queue, partitions, [workerGroup(worker)]);
  const topic = laneTopic(queue, 'normal');
  const children = startWorkers(k, queue, worker, count, handlerMs);
  let maxRss = 0;
  const samples: { at: number; committed: number }[] = [];
  let startedAt = performance.now();
  try {
    // Every process in the group first (joins are not what is measured), then the tasks.
    let members = 0;
    let state = '';
    while (members !== count || state !== 'Stable') {
      if (performance.now() - startedAt > 120_000) throw new Error(`(s) ${count} processes: the group has ${members} members (${state}) after 120 s`);
      if (children.some((c) => c.exitCode !== null)) throw new Error(`a worker process exited early (exit ${children.map((c) => c.exitCode).join(',')})`);
      await sleep(250);
      const group = await k.admin.describeGroup(workerGroup(worker)).catch(() => undefined);
      members = group?.members.length ?? 0;
      state = group?.state ?? '';
    }
    startedAt = performance.now();
    await preloadTasks(k, { queue, lane: 'normal', count: tasks, task: (i) => ({ type: 'scale_task', tenant: `tenant-${i % 100}`, payload: { i } }) });
    const deadline = startedAt + 120_000 + (tasks * handlerMs) / concurrency;
    for (;;) {
      const committed = await committedOffsets(k, workerGroup(worker), topic).catch(() => 0);
      samples.push({ at: performance.now(), committed });
      for (const child of children) maxRss = Math.max(maxRss, rssMiB(child.pid) ?? 0);
      if (committed >= tasks) break;
      if (children.some((c) => c.exitCode !== null)) throw new Error(`a worker process exited early (exit ${children.map((c) => c.exitCode).join(',')})`);
      if (performance.now() > deadline) throw new Error(`(s) ${count} processes: ${committed}/${tasks} committed at the deadline`);
      await sleep(100);
    }
  } finally {
    await stopWorkers(children);
  }
  const first = samples.find((s) => s.committed > 0)!;
  const last = samples.at(-1)!;
  const at = (share: number) => samples.find((s) => s.committed >= tasks * share)!;
  const [p10, p90] = [at(0.1), at(0.9)];
  return {
    processes: count,
    tasks,
    tasksPerSec: round(((last.committed - first.committed) / (last.at - first.at)) * 1000, 0),
    steadyTasksPerSec: round(((p90.committed - p10.committed) / Math.max(1, p90.at - p10.at)) * 1000, 0),
    firstCommitAfterMs: round(first.at - startedAt, 0),
    membersJoined: count,
    maxRssMiB: maxRss,
  };
}

/** process.memoryUsage() of the worker process, in MiB, with the tasks it had handled. */
interface MemorySample {
  readonly atSec: number;
  readonly handled: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  readonly arrayBuffersMiB: number;
  /** Taken right after a full GC (`--memory-gc-ms`): heapUsed is the live heap. */
  readonly afterGc: boolean;
  /** V8's malloc'd memory (compiler zones and the like) and its peak. */
  readonly v8MallocedMiB: number;
  readonly v8PeakMallocedMiB: number;
  /** V8's heap spaces with more than 1 MiB committed: [committed, used] MiB. */
  readonly spacesMiB: Readonly<Record<string, readonly [number, number]>>;
}

interface MemoryResult {
  readonly queuedTasks: number;
  readonly preloadSeconds: number;
  readonly seconds: number;
  readonly committed: number;
  readonly handled: number;
  readonly rssAtFirstCommitMiB: number;
  readonly maxRssMiB: number;
  readonly lastRssMiB: number;
  readonly maxHeapUsedMiB: number;
  readonly maxHeapTotalMiB: number;
  readonly maxExternalMiB: number;
  readonly maxArrayBuffersMiB: number;
  /** The live heap (after a full GC), first and last: only with `--memory-gc-ms`. */
  readonly liveHeapMiB?: { readonly first: number; readonly last: number; readonly max: number };
  readonly snapshots: readonly { readonly at: number; readonly path: string }[];
  /** One sample a second (the last sample after a GC among them when there is one). */
  readonly timeline: readonly MemorySample[];
}

const mib = (bytes: number) => round(bytes / 1_048_576, 1);

/** (m): one worker process with `memoryTasks` tasks (1 KB) queued ahead of it. */
async function memoryRun(k: BenchKafka, res: BenchResources): Promise<MemoryResult> {
  const queue = uniqueQueue('mem');
  const worker = `${queue}-w`;
  await createBenchQueue(k, res, queue, 6, [workerGroup(worker)]);
  const preloadMs = await preloadTasks(k, { queue, lane: 'normal', count: memoryTasks, chunkSize: 2_000, task: (i) => ({ type: 'scale_task', tenant: `tenant-${i % 1000}`, payload: PAYLOAD_1KB }) });
  const topic = laneTopic(queue, 'normal');
  const probe: WorkerProbe = {
    nodeArgs: [...(memoryGcMs > 0 ? ['--expose-gc'] : []), ...values['worker-node-args'].split(' ').filter(Boolean)],
    env: { SCALE_MEMORY_GC_MS: String(memoryGcMs), SCALE_HEAP_SNAPSHOTS: heapSnapshots, SCALE_HEAP_SNAPSHOT_DIR: '/tmp', SCALE_ALLOC_PROFILE: String(allocProfile) },
  };
  const [child] = startWorkers(k, queue, worker, 1, 0, probe);
  const startedAt = performance.now();
  const samples: MemorySample[] = [];
  const snapshots: { at: number; path: string }[] = [];
  type Spaces = Record<string, { size: number; used: number }>;
  child!.on('message', (message: { memory?: NodeJS.MemoryUsage & { handled: number; afterGc: boolean; spaces: Spaces; malloced: number; peakMalloced: number }; snapshot?: { at: number; path: string } }) => {
    const m = message.memory;
    if (m) {
      samples.push({
        atSec: round((performance.now() - startedAt) / 1000, 2),
        handled: m.handled,
        rssMiB: mib(m.rss),
        heapUsedMiB: mib(m.heapUsed),
        heapTotalMiB: mib(m.heapTotal),
        externalMiB: mib(m.external),
        arrayBuffersMiB: mib(m.arrayBuffers),
        afterGc: m.afterGc,
        v8MallocedMiB: mib(m.malloced),
        v8PeakMallocedMiB: mib(m.peakMalloced),
        spacesMiB: Object.fromEntries(Object.entries(m.spaces).filter(([, space]) => space.size > 1_048_576).map(([name, space]) => [name, [mib(space.size), mib(space.used)] as const])),
      });
    }
    if (message.snapshot) {
      snapshots.push({ at: message.snapshot.at, path: message.snapshot.path });
      console.log(`(m) heap snapshot after ${message.snapshot.at} tasks: ${message.snapshot.path}`);
    }
  });
  let maxRss = 0;
  let lastRss = 0;
  let atFirstCommit = 0;
  let committed = 0;
  try {
    while (performance.now() - startedAt < memorySeconds * 1_000 && committed < memoryTasks) {
      const rss = rssMiB(child!.pid);
      if (rss === undefined) throw new Error(`the worker process exited early (exit ${child!.exitCode})`);
      maxRss = Math.max(maxRss, rss);
      lastRss = rss;
      committed = await committedOffsets(k, workerGroup(worker), topic).catch(() => committed);
      if (committed > 0 && atFirstCommit === 0) atFirstCommit = rss;
      await sleep(250);
    }
  } finally {
    await stopWorkers([child!]);
  }
  const max = (pick: (s: MemorySample) => number) => samples.reduce((m, s) => Math.max(m, pick(s)), 0);
  const live = samples.filter((s) => s.afterGc);
  const timeline = samples.filter((s, i) => s.afterGc || i % 4 === 0);
  return {
    queuedTasks: memoryTasks,
    preloadSeconds: round(preloadMs / 1000, 1),
    seconds: round((performance.now() - startedAt) / 1000, 1),
    committed,
    handled: samples.at(-1)?.handled ?? 0,
    rssAtFirstCommitMiB: atFirstCommit,
    maxRssMiB: maxRss,
    lastRssMiB: lastRss,
    maxHeapUsedMiB: max((s) => s.heapUsedMiB),
    maxHeapTotalMiB: max((s) => s.heapTotalMiB),
    maxExternalMiB: max((s) => s.externalMiB),
    maxArrayBuffersMiB: max((s) => s.arrayBuffersMiB),
    ...(live.length > 0 ? { liveHeapMiB: { first: live[0]!.heapUsedMiB, last: live.at(-1)!.heapUsedMiB, max: Math.max(...live.map((s) => s.heapUsedMiB)) } } : {}),
    snapshots,
    timeline,
  };
}

const broker = await resolveBroker();
const k = await openBenchKafka(broker.bootstrap, clientName);
const env = collectEnv(broker, clientName);
console.log(`worker scale-out and memory on ${broker.bootstrap}, client ${clientName}; ${env.date}; load ${env.machine.loadAvgAtStart.join(' ')}`);
const res = new BenchResources();
const report: { benchmark: string; env: typeof env; params: Record<string, unknown>; scale: ScaleResult[]; memory?: MemoryResult; errors: Record<string, string> } = {
  benchmark: 'worker-scale',
  env,
  params: { procs, tasks, handlerMs, concurrency, partitions, memoryTasks, memorySeconds },
  scale: [],
  errors: {},
};
try {
  if (only.has('s')) {
    for (const count of procs) {
      try {
        const r = await scaleRun(k, res, count);
        report.scale.push(r);
        console.log(`(s) ${count} process(es): ${r.tasksPerSec} tasks/s (steady 10-90%: ${r.steadyTasksPerSec}/s), first commit after ${r.firstCommitAfterMs} ms, max RSS per process ${r.maxRssMiB} MiB`);
      } catch (error) {
        report.errors[`scale-${count}`] = String(error);
        console.error(`(s) ${count} process(es) failed: ${String(error)}`);
      }
      await res.cleanup(k.log);
    }
  }
  if (only.has('m')) {
    try {
      report.memory = await memoryRun(k, res);
      const m = report.memory;
      console.log(`(m) ${m.queuedTasks} tasks queued (preloaded in ${m.preloadSeconds} s): max RSS ${m.maxRssMiB} MiB over ${m.seconds} s (${m.committed} committed; at the first commit ${m.rssAtFirstCommitMiB} MiB, last ${m.lastRssMiB} MiB); goal <= 200 MB`);
      console.log(`(m) max heapUsed ${m.maxHeapUsedMiB} MiB, heapTotal ${m.maxHeapTotalMiB} MiB, external ${m.maxExternalMiB} MiB, arrayBuffers ${m.maxArrayBuffersMiB} MiB${m.liveHeapMiB ? `; live heap after GC ${m.liveHeapMiB.first} -> ${m.liveHeapMiB.last} MiB (max ${m.liveHeapMiB.max})` : ''}`);
    } catch (error) {
      report.errors.memory = String(error);
      console.error(`(m) failed: ${String(error)}`);
    }
  }
} finally {
  await res.cleanup(k.log);
  await k.close();
}
const base = report.scale.find((r) => r.processes === 1);
if (base) for (const r of report.scale) console.log(`(s) ${r.processes} vs 1 process: ${round(r.tasksPerSec / base.tasksPerSec, 2)}x (steady ${round(r.steadyTasksPerSec / base.steadyTasksPerSec, 2)}x)`);
console.log(`wrote ${writeReport(report)}`);
process.exit(Object.keys(report.errors).length > 0 ? 1 : 0);
