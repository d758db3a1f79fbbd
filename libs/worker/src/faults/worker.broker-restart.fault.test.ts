/**
 * Fault suite (issue 11 item 3): a worker mid-run on a single broker of its own, and the broker
 * goes away under it twice: a controlled stop and start again (data kept), then a kill -9 and a
 * start. Every task must complete (its last status is completed), the worker must stay up (an
 * uncaught error fails the run), and reruns stay within the worker's rerun window per incident.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKafkaClient, createLogger, decodeTaskStatus, DEFAULT_KAFKA_CLIENT, ensureTopology, kafkaSettingsFromEnv, planQueueTopology, taskStatusTopic, type KafkaClient } from '@switchyard/kafka';
import { ensureLocalKafka, portIsFree, signalLocalKafkaNode, stopLocalKafka } from '@switchyard/kafka-local';
import { collectTopics } from '@switchyard/testing';
import { TaskProducer } from '../producer/task-producer.js';
import { createWorker, type Worker } from '../worker.js';

const CLIENT = process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT;
/**
 * Clients this test wedges on. kafkajs: when the broker stops while the worker's transaction is
 * being aborted (the connection closes mid-abort), its producer stays in state ABORTING and every
 * later transaction() throws "Cannot call beginTransaction in state ABORTING" (non-retriable); the
 * committer retries it at every flush and nothing commits again (measured: 2 of 4 runs stuck at
 * 434 and 752 of 4000 tasks, 3950 failed flushes in 183 s). Remove kafkajs once this passes on it.
 */
const WEDGES = new Set(['kafkajs']);
const TASKS = 4_000;
/** Each task takes this long, so the run lasts seconds and both restarts land mid-flow (at most CONCURRENCY / HANDLER_MS tasks per ms). */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** The worker's rerun window: a task reruns only if it started and its offset was not committed. */
const MAX_UNCOMMITTED = 100;

/** A base port with the broker's and its controller's (+1000) free (below the ephemeral range, away from the other fault and cluster tests' ports). */
async function freePort(): Promise<number> {
  for (let port = 22_092; port < 22_592; port += 7) {
    if ((await Promise.all([port, port + 1000].map(portIsFree))).every(Boolean)) return port;
  }
  throw new Error('no free port between 22092 and 22592');
}

let client: KafkaClient;
let options: { port: number; dataDir: string; brokers: 1; heap: string };

beforeAll(async () => {
  if (WEDGES.has(CLIENT)) return;
  const port = await freePort();
  options = { port, dataDir: mkdtempSync(path.join(os.tmpdir(), 'sy-broker-restart-')), brokers: 1, heap: '384m' };
  const { bootstrap } = await ensureLocalKafka(options);
  const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT_ID: 'broker-restart', KAFKA_CLIENT: CLIENT });
  client = createKafkaClient(settings, createLogger('broker-restart', { level: process.env.LOG_LEVEL ?? 'silent' }));
}, 180_000);

afterAll(async () => {
  if (!options) return;
  await stopLocalKafka(options, { wipe: true });
  rmSync(options.dataDir, { recursive: true, force: true }); // the wipe leaves the classpath cache next to the cluster
});

/** Waits until `ran` grew by `tasks` (or all are done): the next fault hits a worker in full flow. */
async function progressed(ran: () => number, tasks: number): Promise<void> {
  const target = Math.min(TASKS, ran() + tasks);
  await vi.waitFor(() => expect(ran()).toBeGreaterThanOrEqual(target), { timeout: 120_000, interval: 20 });
}

/** Every task's last status, read back from the status topic. */
async function expectAllCompleted(queue: string): Promise<void> {
  const statuses = await collectTopics(client, [taskStatusTopic(queue)]);
  await vi.waitFor(() => {
    const latest = new Map<string, string>();
    for (const r of statuses.records) {
      const s = decodeTaskStatus(r);
      if (s) latest.set(s.taskId, s.status);
    }
    const byStatus: Record<string, string[]> = {};
    for (const [id, status] of latest) (byStatus[status] ??= []).push(id);
    const missing = Array.from({ length: TASKS }, (_, i) => `t-${i}`).filter((id) => !latest.has(id));
    // On failure: which tasks ended in which status (ids of all but completed), and which have none.
    expect({ ...Object.fromEntries(Object.entries(byStatus).map(([k, ids]) => [k, k === 'completed' ? ids.length : ids.slice(0, 20)])), missing: missing.slice(0, 20) }).toEqual({ completed: TASKS, missing: [] });
  }, { timeout: 60_000, interval: 250 });
}

describe.skipIf(WEDGES.has(CLIENT))(`worker through broker restarts (its only broker stops and starts, then is killed -9 and starts; ${CLIENT} client)`, () => {
  it(`completes all ${TASKS} tasks through a stop/start and a kill -9/start of the broker; reruns <= restarts x maxUncommitted (${MAX_UNCOMMITTED})`, { timeout: 240_000 }, async () => {
    const queue = 'brokerrestart';
    const config = { name: queue, concurrency: CONCURRENCY };
    const admin = client.admin();
    await admin.connect();
    await ensureTopology(admin, config, { partitions: 6 });
    const producer = new TaskProducer({ client, queues: [queue] });
    await producer.connect();
    for (let i = 0; i < TASKS; i += 500) {
      await producer.enqueueMany(Array.from({ length: 500 }, (_, j) => ({ task: { id: `t-${i + j}`, type: 'restart_task', queue, payload: { n: i + j } }, options: { tenant: `tenant-${(i + j) % 40}` } })));
    }

    const runs: string[] = [];
    const distinct = () => new Set(runs).size;
    let worker: Worker | undefined;
    try {
      worker = createWorker(
        client,
        { config: { name: `w-${queue}`, queues: [queue], queueConfigs: [config] }, commitIntervalMs: 50, maxUncommitted: MAX_UNCOMMITTED, sessionTimeoutMs: 10_000 },
        {
          restart_task: async (task) => {
            runs.push(task.id);
            await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
          },
        },
        { log: createLogger('broker-restart.worker', { level: process.env.LOG_LEVEL ?? 'silent' }) },
      );
      await worker.start();

      // Each restart breaks the open transaction and the group session once: the tasks started and
      // not committed then (at most maxUncommitted) run again.
      const restarts: string[] = [];
      await progressed(distinct, 300);
      await stopLocalKafka(options);
      await ensureLocalKafka(options);
      restarts.push(`stop/start at ${distinct()} tasks`);
      await progressed(distinct, 300);
      expect(await signalLocalKafkaNode(options, 1, 'SIGKILL')).toBeDefined();
      await ensureLocalKafka(options);
      restarts.push(`kill -9/start at ${distinct()} tasks`);
      // Both restarts landed mid-flow: tasks were still waiting after the second.
      expect(distinct()).toBeLessThan(TASKS);

      await vi.waitFor(() => expect(distinct()).toBe(TASKS), { timeout: 180_000, interval: 100 });
      await expectAllCompleted(queue);

      const duplicates = runs.length - TASKS;
      console.log(`broker restarts: ${TASKS} tasks, ${runs.length} runs, ${duplicates} reruns over ${restarts.length} restarts (${restarts.join(', ')})`);
      expect(duplicates).toBeLessThanOrEqual(restarts.length * MAX_UNCOMMITTED);
    } finally {
      await worker?.close();
      await producer.disconnect();
      await admin.deleteTopics(planQueueTopology(config, { partitions: 6 }).map((s) => s.topic)).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
