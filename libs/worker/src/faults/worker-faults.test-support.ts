/**
 * What the worker's fault tests share: a queue of numbered tasks on a fault broker, a worker whose
 * handler records each run and takes a while, and the read-back of every task's last status.
 */
import { expect, vi } from 'vitest';
import { createLogger, decodeTaskStatus, ensureTopology, planQueueTopology, taskStatusTopic, throwawayConsumer, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, uniqueName } from '@switchyard/testing';
import { TaskProducer } from '../producer/task-producer.js';
import { createWorker, type Worker } from '../worker.js';

export const FAULT_PARTITIONS = 6;

export interface FaultQueueSpec {
  readonly queue: string;
  /** Tasks `t-0` .. `t-<tasks - 1>`, enqueued before the worker starts. */
  readonly tasks: number;
  /** The tasks' type (the handler's name). */
  readonly type: string;
  readonly concurrency: number;
  /** Each run takes this long, so the run lasts seconds and every fault lands mid-flow. */
  readonly handlerMs: number;
  /** The worker's rerun window. */
  readonly maxUncommitted: number;
}

export interface FaultQueue {
  /** Every run of the handler, by task id, in order. */
  readonly runs: string[];
  /** Distinct tasks run so far. */
  distinct(): number;
  /** Starts the worker (commit interval 50 ms, 10 s session). */
  startWorker(logName: string): Promise<Worker>;
  /** Closes the worker and the producer and deletes the queue's topics. */
  close(): Promise<void>;
}

export function taskIds(tasks: number): string[] {
  return Array.from({ length: tasks }, (_, i) => `t-${i}`);
}

/** The queue's topics, `spec.tasks` tasks enqueued on them (40 tenants), and a worker to start. */
export async function setupFaultQueue(client: KafkaClient, spec: FaultQueueSpec): Promise<FaultQueue> {
  const config = { name: spec.queue, concurrency: spec.concurrency };
  const admin = client.admin();
  await admin.connect();
  await ensureTopology(admin, config, { partitions: FAULT_PARTITIONS });
  const producer = new TaskProducer({ client, queues: [spec.queue] });
  await producer.connect();
  const batch = (i: number) =>
    Array.from({ length: Math.min(500, spec.tasks - i) }, (_, j) => ({ task: { id: `t-${i + j}`, type: spec.type, queue: spec.queue, payload: { n: i + j } }, options: { tenant: `tenant-${(i + j) % 40}` } }));
  // A fresh broker answers NOT_COORDINATOR (retriable; the transaction is aborted, nothing written)
  // until its transaction coordinator has loaded: the first batch is retried until it lands.
  await vi.waitFor(() => producer.enqueueMany(batch(0)), { timeout: 60_000, interval: 500 });
  for (let i = 500; i < spec.tasks; i += 500) await producer.enqueueMany(batch(i));
  const runs: string[] = [];
  const seen = new Set<string>();
  let worker: Worker | undefined;
  return {
    runs,
    distinct: () => seen.size,
    async startWorker(logName) {
      worker = createWorker(
        client,
        { config: { name: `w-${spec.queue}`, queues: [spec.queue], queueConfigs: [config] }, commitIntervalMs: 50, maxUncommitted: spec.maxUncommitted, sessionTimeoutMs: 10_000 },
        {
          [spec.type]: async (task) => {
            runs.push(task.id);
            seen.add(task.id);
            await new Promise((resolve) => setTimeout(resolve, spec.handlerMs));
          },
        },
        { log: createLogger(logName, { level: process.env.LOG_LEVEL ?? 'silent' }) },
      );
      await worker.start();
      return worker;
    },
    async close() {
      await worker?.close();
      await producer.disconnect();
      await admin.deleteTopics(planQueueTopology(config, { partitions: FAULT_PARTITIONS }).map((s) => s.topic)).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/**
 * Every task's last status (read committed from the status topic) is `completed`. On failure it
 * names the tasks in each other status and the tasks with none (20 of each), and what a
 * read_uncommitted reader sees of them (aborted or not yet committed records, the offsets each
 * reader reached per partition).
 */
export async function expectAllCompleted(client: KafkaClient, queue: string, tasks: number, runs?: readonly string[]): Promise<void> {
  const statuses = await collectTopics(client, [taskStatusTopic(queue)]);
  const latest = new Map<string, string>();
  try {
    await vi.waitFor(() => {
      latest.clear();
      for (const r of statuses.records) {
        const s = decodeTaskStatus(r);
        if (s) latest.set(s.taskId, s.status);
      }
      const byStatus: Record<string, string[]> = {};
      for (const [id, status] of latest) (byStatus[status] ??= []).push(id);
      const missing = taskIds(tasks).filter((id) => !latest.has(id));
      expect({ ...Object.fromEntries(Object.entries(byStatus).map(([k, ids]) => [k, k === 'completed' ? ids.length : ids.slice(0, 20)])), missing: missing.slice(0, 20) }).toEqual({ completed: tasks, missing: [] });
    }, { timeout: 60_000, interval: 250 });
  } catch (error) {
    const wrong = new Set(taskIds(tasks).filter((id) => latest.get(id) !== 'completed'));
    const ranTimes = runs ? ` (runs of each: ${[...wrong].slice(0, 20).map((id) => `${id} x${runs.filter((r) => r === id).length}`).join(', ')})` : '';
    console.log(`status read-back failed for ${wrong.size} tasks${ranTimes}; ${await uncommittedView(client, queue, wrong, statuses.records)}`);
    throw error;
  } finally {
    await statuses.stop();
  }
}

/** What a read_uncommitted reader finds of `ids` in the status topic, and the last offset per partition each reader got to. */
async function uncommittedView(client: KafkaClient, queue: string, ids: ReadonlySet<string>, committed: readonly IncomingRecord[]): Promise<string> {
  const records: IncomingRecord[] = [];
  const consumer = throwawayConsumer(client, { groupId: uniqueName('uncommitted'), readCommitted: false, maxWaitTimeMs: 200 });
  await consumer.connect();
  await consumer.subscribe([taskStatusTopic(queue)], { fromBeginning: true });
  await consumer.run({ eachBatch: async (batch) => void records.push(...batch.records) });
  // Diagnostics only: read until the count stands still for 3 s.
  let seen = -1;
  while (seen !== records.length) {
    seen = records.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  await consumer.disconnect();
  const lastOffsets = (list: readonly IncomingRecord[]) => {
    const last = new Map<number, string>();
    for (const r of list) last.set(r.partition, r.offset);
    return JSON.stringify(Object.fromEntries([...last].sort((a, b) => a[0] - b[0])));
  };
  // A fresh read_committed reader, from the beginning in one go: tells a collector that missed
  // records (its group rejoined during the restarts) from statuses that are really not committed.
  const fresh: IncomingRecord[] = [];
  const again = throwawayConsumer(client, { groupId: uniqueName('committed-again'), maxWaitTimeMs: 200 });
  await again.connect();
  await again.subscribe([taskStatusTopic(queue)], { fromBeginning: true });
  await again.run({ eachBatch: async (batch) => void fresh.push(...batch.records) });
  for (let count = -1; count !== fresh.length; ) {
    count = fresh.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  await again.disconnect();
  const freshLatest = new Map<string, string>();
  for (const r of fresh) {
    const s = decodeTaskStatus(r);
    if (s) freshLatest.set(s.taskId, s.status);
  }
  const freshCompleted = [...ids].filter((id) => freshLatest.get(id) === 'completed').length;
  const collectorOffsets = (partition: number) => committed.filter((r) => r.partition === partition).map((r) => Number(r.offset));
  const gaps = [...new Set(committed.map((r) => r.partition))].map((p) => {
    const offsets = collectorOffsets(p);
    const jumps = offsets.flatMap((o, i) => (i > 0 && o > offsets[i - 1]! + 20 ? [`${offsets[i - 1]}->${o}`] : []));
    const rewinds = offsets.flatMap((o, i) => (i > 0 && o <= offsets[i - 1]! ? [`${offsets[i - 1]}->${o}`] : []));
    return `p${p}: jumps ${jumps.slice(0, 8).join(' ')} rewinds ${rewinds.slice(0, 4).join(' ')}`;
  });
  const freshView = `a fresh read_committed reader finds ${freshCompleted} of the ${ids.size} completed; the collector's offset jumps over 20 and rewinds: ${gaps.join('; ')}`;
  const found = records.flatMap((r) => {
    const s = decodeTaskStatus(r);
    return s && ids.has(s.taskId) && s.status !== 'queued' ? [`${s.taskId}:${s.status}@${r.partition}/${r.offset}`] : [];
  });
  return `${freshView}; read_uncommitted finds ${found.length} non-queued statuses of them (${found.slice(0, 20).join(' ')}); last offsets read committed ${lastOffsets(committed)}, read uncommitted ${lastOffsets(records)}`;
}
