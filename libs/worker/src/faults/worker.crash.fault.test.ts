/**
 * Fault suite (issue 11 item 3): a worker process killed -9 three times over 100k tasks, with
 * retries and dead letters mixed in, restarted once with the same instance id (it fences the dead
 * one's open transaction at once) and twice with the default random one (the broker aborts the
 * dead one's transaction after the transaction timeout). Every task id is accounted for: each
 * ends completed or dead-lettered as its kind says, exactly once in the DLQ, none lost; and each
 * kill makes at most maxUncommitted attempts run again. It grows worker.crash.int.test.ts (20k tasks,
 * one kind, the shared broker), which stays in the int tier: a crash on the broker every other
 * test shares.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeTaskStatus, ensureTopology, planQueueTopology, taskDlqTopic, taskStatusTopic, type KafkaClient } from '@switchyard/kafka';
import { runKafkaTool } from '@switchyard/kafka-local';
import { collectTopics, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { TaskProducer } from '../producer/task-producer.js';
import { FAULT_PARTITIONS } from './worker-faults.test-support.js';

const FIXTURE = fileURLToPath(new URL('./worker.crash-fixture.ts', import.meta.url));
const TASKS = 100_000;
/** How each task ends, by its number: 1 in 50 each fails once, fails always, or is unrecoverable. */
const KINDS = ['ok', 'flaky', 'dead', 'unrecoverable'] as const;
type Kind = (typeof KINDS)[number];
const kindOf = (n: number): Kind => KINDS[n % 50 < KINDS.length ? n % 50 : 0]!;
/** One retry (1 s, the first delay tier): a flaky task completes on attempt 2, a dead one is dead-lettered after it. */
const RETRY = { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 1_000, maxDelayMs: 1_000, backoffMultiplier: 1 } as const;
const ATTEMPTS: Record<Kind, number> = { ok: 1, flaky: 2, dead: 2, unrecoverable: 1 };
const ENDS: Record<Kind, 'completed' | 'dead'> = { ok: 'completed', flaky: 'completed', dead: 'dead', unrecoverable: 'dead' };
/** The worker's rerun window (WorkerOptions.maxUncommitted), well below the default so the test presses on it. */
const MAX_UNCOMMITTED = 250;
const CONCURRENCY = 20;
/** The instance id of each worker process in turn: a kill is followed by a restart with the same id, then by random ids (undefined). */
const INSTANCES = ['crash-instance', 'crash-instance', undefined, undefined] as const;
const KILLS = INSTANCES.length - 1;
/** The read of the end statuses fails when no record comes for this long (ms)... */
const READ_STALL_MS = 30_000;
/** ...or when it takes this long in all (ms): the read takes ~2 s on a quiet machine (212,000 records). */
const READ_DEADLINE_MS = 150_000;

/**
 * History (issue 11 notes): on demand until 2026-12-07. Of its first 6 runs one ended with
 * dead-kind tasks whose last status read back `queued` (not diagnosed then; the status collector
 * is a read_committed consumer, and @platformatic/kafka's read_committed filter, bypassed since
 * 59537e6, dropped committed transactions between two aborts of one producer, the same symptom),
 * and one timed out at 300 s at load 20+ (the timeout is 420 s since). Then 5 of 5 green (2 on
 * 2026-12-06, 3 on 2026-12-07 after 59537e6: 85-132 s, reruns per kill 250/250/250 each time, the
 * window full at every kill). Kept out of `npm test` for CI's 25-minute budget from 7b1e0bf (with it
 * and transactions.broker-restart a clean-clone .ci/run took 1,466 s), back in it since test brokers
 * run the C1-only JVM (5398d5f) and .ci/run took 1,276 s without it. On 2026-12-07 (df97538, beside
 * unit and int in a clean-clone .ci/run) the same symptom again: 7,197 tasks short of their end,
 * every one shown in status partition 5, their dead letters (same transactions) read back; the
 * next .ci/run and 5 runs alone passed. Not diagnosed: a failure now also prints, per partition,
 * where the read_committed read stopped against the log end (the end counts transaction markers),
 * and Kafka's own describe-producers of each partition (an open transaction shows its start). Then
 * 20 runs alone on 2026-12-07 passed (8 beside a busy-looping process, most of the other 12 beside
 * unit + int on another broker). The read of all 212,000 records takes ~2 s on a quiet machine, so
 * a 60 s wait missing one partition is a read stuck there, not a slow one. Since then the read
 * takes in only new records on each poll (it decoded every record again before) and fails after
 * READ_STALL_MS without a new record, or at READ_DEADLINE_MS.
 */

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'worker-crash', basePort: 26_092, proxied: false });
  client = broker.client('worker-crash');
}, 180_000);

afterAll(async () => broker?.close());

/** Lines `<process>\t<task id>\t<attempt>` of the attempts started so far. */
function attempts(file: string): { proc: number; key: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [proc, id, attempt] = line.split('\t');
      return { proc: Number(proc), key: `${id}#${attempt}` };
    });
}

describe('worker crash recovery (kill -9 of the worker process)', () => {
  it(`accounts for all ${TASKS} tasks (completed or dead-lettered as their kind says) through ${KILLS} kill -9s, same and random instance ids; reruns per kill <= maxUncommitted (${MAX_UNCOMMITTED})`, { timeout: 420_000 }, async () => {
    const queue = 'crash';
    const config = { name: queue, concurrency: CONCURRENCY, defaultRetryPolicy: RETRY };
    const admin = client.admin();
    await admin.connect();
    onTestFinished(async () => {
      await admin.deleteTopics(planQueueTopology(config, { partitions: FAULT_PARTITIONS }).map((s) => s.topic)).catch(() => undefined);
      await admin.disconnect();
    });
    await ensureTopology(admin, config, { partitions: FAULT_PARTITIONS });
    const producer = new TaskProducer({ client, queues: [queue] });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const batch = (from: number) =>
      Array.from({ length: 2_000 }, (_, j) => ({ task: { id: `t-${from + j}`, type: 'crash_task', queue, payload: { kind: kindOf(from + j) } }, options: { tenant: `tenant-${(from + j) % 50}` } }));
    // A fresh broker answers NOT_COORDINATOR until its transaction coordinator has loaded (nothing written): retried.
    await vi.waitFor(() => producer.enqueueMany(batch(0)), { timeout: 60_000, interval: 500 });
    for (let i = 2_000; i < TASKS; i += 2_000) await producer.enqueueMany(batch(i));

    const dir = mkdtempSync(path.join(os.tmpdir(), 'sy-crash-'));
    const out = path.join(dir, 'attempts.txt');
    const children: ChildProcess[] = [];
    onTestFinished(() => {
      children.forEach((c) => c.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    });
    const startWorker = (proc: number) => {
      const instance = INSTANCES[proc];
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: {
          ...process.env,
          KAFKA_BROKERS: broker.bootstrap,
          KAFKA_CLIENT: broker.clientName,
          CRASH_QUEUE_CONFIG: JSON.stringify(config),
          CRASH_OUT_FILE: out,
          CRASH_PROCESS: String(proc),
          CRASH_SESSION_TIMEOUT_MS: '6000',
          CRASH_TRANSACTION_TIMEOUT_MS: '5000',
          CRASH_COMMIT_INTERVAL_MS: '100',
          CRASH_MAX_UNCOMMITTED: String(MAX_UNCOMMITTED),
          ...(instance ? { CRASH_INSTANCE: instance } : {}),
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    };

    const expected = new Map<string, Kind>(Array.from({ length: TASKS }, (_, n) => [`t-${n}`, kindOf(n)]));
    const executions = [...expected.values()].reduce((sum, kind) => sum + ATTEMPTS[kind], 0);
    const started = () => new Set(attempts(out).map((a) => a.key)).size;
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const kills: string[] = [];
    let child = startWorker(0);
    for (let kill = 1; kill <= KILLS; kill++) {
      const target = Math.floor((executions * kill) / (KILLS + 1));
      await vi.waitFor(() => expect(started()).toBeGreaterThanOrEqual(target), { timeout: 120_000, interval: 100 });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      kills.push(`kill ${kill} at ${attempts(out).length} attempts (${at()})`);
      child = startWorker(kill);
    }
    await vi.waitFor(() => expect(started()).toBe(executions), { timeout: 180_000, interval: 250 });
    const allStarted = at();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    console.log(`${kills.join('; ')}; all started at ${allStarted}, closed at ${at()}`);

    // Each task's last status and its dead letters, read committed.
    const read = await collectTopics(client, [taskStatusTopic(queue), taskDlqTopic(queue)]);
    // Each poll takes in only the records read since the last one (every status of a task is in one
    // partition, read in order, so the last one seen is its last status).
    const latest = new Map<string, string>();
    const dead: string[] = [];
    let seen = 0;
    const ends = () => {
      for (; seen < read.records.length; seen++) {
        const r = read.records[seen]!;
        if (r.topic === taskDlqTopic(queue)) dead.push(r.headers['sy-task-id']!.toString());
        else {
          const s = decodeTaskStatus(r);
          if (s) latest.set(s.taskId, s.status);
        }
      }
      return { latest, dead };
    };
    /** The first `n` tasks whose last status is not the end their kind says, as `id (kind): status`. */
    const wrongEnds = (n: number) => {
      const { latest } = ends();
      const wrong = [...expected].filter(([id, kind]) => latest.get(id) !== ENDS[kind]);
      return { count: wrong.length, first: wrong.slice(0, n).map(([id, kind]) => `${id} (${kind}): ${latest.get(id) ?? 'no status'}`) };
    };
    try {
      // The read is done when every task shows its end and every dead letter is in. It may take
      // long on a loaded machine (the status topic holds ~210k records), so it fails only when no
      // record has come for READ_STALL_MS (a read stuck behind a transaction left open), or at
      // READ_DEADLINE_MS in all.
      const readStart = Date.now();
      let progressAt = readStart;
      let lastCount = 0;
      const deadLetters = [...expected.values()].filter((kind) => ENDS[kind] === 'dead').length;
      for (;;) {
        if (wrongEnds(0).count === 0 && dead.length >= deadLetters) break;
        if (read.records.length > lastCount) [lastCount, progressAt] = [read.records.length, Date.now()];
        if (Date.now() - progressAt > READ_STALL_MS || Date.now() - readStart > READ_DEADLINE_MS) {
          throw new Error(`the read of the status and DLQ topics ${Date.now() - progressAt > READ_STALL_MS ? `stalled: no record for ${READ_STALL_MS} ms` : `ran past ${READ_DEADLINE_MS} ms`} (${lastCount} records read in ${Date.now() - readStart} ms)`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      console.log(`status and DLQ read: ${read.records.length} records in ${Date.now() - readStart} ms`);
    } catch (error) {
      // On failure: the attempts of the first wrong tasks (by process) and every record of them.
      const runsOf = new Map<string, string[]>();
      for (const a of attempts(out)) runsOf.set(a.key.split('#')[0]!, [...(runsOf.get(a.key.split('#')[0]!) ?? []), `attempt ${a.key.split('#')[1]} in process ${a.proc}`]);
      const wrong = wrongEnds(10);
      const detail = wrong.first.map((w) => {
        const id = w.split(' ')[0]!;
        const records = read.records.filter((r) => r.key?.toString() === id || r.headers['sy-task-id']?.toString() === id).map((r) => `${r.topic}[${r.partition}]@${r.offset} ${decodeTaskStatus(r)?.status ?? 'dead letter'}`);
        return `${w}; ${runsOf.get(id)?.join(', ')}; records: ${records.join(', ')}`;
      });
      // Where the read stopped in each partition against its log end: a read_committed read stuck
      // well short of the end in one partition is a transaction left open there (or one whose
      // records the read_committed filter dropped); short everywhere is a slow read.
      const readTo = new Map<string, number>();
      for (const r of read.records) readTo.set(`${r.topic}[${r.partition}]`, Math.max(readTo.get(`${r.topic}[${r.partition}]`) ?? -1, Number(r.offset)));
      const partitionEnds = await Promise.all([taskStatusTopic(queue), taskDlqTopic(queue)].map(async (topic) => (await admin.topicOffsets(topic)).map((p) => `${topic}[${p.partition}] read to ${readTo.get(`${topic}[${p.partition}]`) ?? 'none'} of end ${p.high}`)));
      // Kafka's own view of each partition's producers: an open transaction shows its start offset
      // (CurrentTransactionStartOffset), which holds the partition's last stable offset back.
      const producers = [];
      for (const topic of [taskStatusTopic(queue), taskDlqTopic(queue)]) {
        for (let partition = 0; partition < FAULT_PARTITIONS; partition++) {
          const described = await runKafkaTool('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', broker.bootstrap, 'describe-producers', '--topic', topic, '--partition', String(partition)]);
          producers.push(`${topic}[${partition}] producers (exit ${described.code}):\n${described.stdout.trim()}${described.stderr.trim() ? `\n${described.stderr.trim().split('\n').slice(-3).join('\n')}` : ''}`);
        }
      }
      console.log(`${wrong.count} tasks did not end as their kind says:\n${detail.join('\n')}\n${partitionEnds.flat().join('\n')}\n${producers.join('\n')}`);
      throw error;
    }
    ends();
    expect(dead.toSorted()).toEqual([...expected].filter(([, kind]) => ENDS[kind] === 'dead').map(([id]) => id).toSorted());

    // A rerun is an attempt a killed process started and did not commit: charged to that kill.
    const byKey = new Map<string, number[]>();
    for (const a of attempts(out)) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a.proc]);
    const rerunsPerKill = Array.from({ length: KILLS }, () => 0);
    let sameProcess = 0;
    for (const procs of byKey.values()) {
      for (let i = 0; i + 1 < procs.length; i++) {
        if (procs[i + 1] === procs[i]) sameProcess++;
        else rerunsPerKill[procs[i]!]!++;
      }
    }
    const total = attempts(out).length;
    console.log(`worker crash: ${TASKS} tasks (${executions} attempts expected), ${total} attempts run; reruns per kill ${rerunsPerKill.join(', ')} (instances ${INSTANCES.map((i) => i ?? 'random').join(', ')}); ${sameProcess} reruns within a process`);
    expect(byKey.size).toBe(executions);
    // A process starts an attempt only while its started-and-uncommitted attempts (running,
    // waiting for a transaction, in the one under way, or finished behind a lower offset in
    // flight) number fewer than maxUncommitted: a kill finds at most that many to run again.
    for (const reruns of rerunsPerKill) expect(reruns).toBeLessThanOrEqual(MAX_UNCOMMITTED);
    // Nothing else reruns: the lone live process never loses an attempt it started.
    expect(sameProcess).toBe(0);
    expect(total).toBe(executions + rerunsPerKill.reduce((a, b) => a + b, 0));
  });
});
