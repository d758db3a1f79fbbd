/**
 * Fault suite (issue 11 item 3): the worker and its producer reach a broker of their own only
 * through a TCP proxy (the broker advertises the proxy's port), and the proxy injects network
 * faults while tasks run: added latency, every connection reset, a stall, clean drops, refused
 * connections. Every task must complete, the worker must stay up (an uncaught error fails the
 * run), and reruns stay within what the worker guarantees per incident.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKafkaClient, createLogger, decodeTaskStatus, ensureTopology, kafkaSettingsFromEnv, planQueueTopology, taskStatusTopic, type KafkaClient } from '@switchyard/kafka';
import { ensureLocalKafka, portIsFree, stopLocalKafka } from '@switchyard/kafka-local';
import { collectTopics, TcpProxy } from '@switchyard/testing';
import { TaskProducer } from '../producer/task-producer.js';
import { createWorker, type Worker } from '../worker.js';

const TASKS = 4_000;
/** Each task takes this long, so the run lasts seconds and every fault lands mid-flow (at most CONCURRENCY / HANDLER_MS tasks per ms). */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** The worker's rerun window: a task reruns only if it started and its offset was not committed. */
const MAX_UNCOMMITTED = 100;
/** The proxy listens this far above the broker's port; the broker advertises it. */
const SHIFT = 100;

/** A base port with the broker's, its controller's (+1000) and the proxy's (+SHIFT) free. */
async function freePort(): Promise<number> {
  for (let port = 28_092; port < 28_592; port += 7) {
    if ((await Promise.all([port, port + 1000, port + SHIFT].map(portIsFree))).every(Boolean)) return port;
  }
  throw new Error('no free port between 28092 and 28592');
}

let proxy: TcpProxy;
let client: KafkaClient;
let options: { port: number; dataDir: string; brokers: 1; heap: string; advertisedPortShift: number };

beforeAll(async () => {
  const port = await freePort();
  proxy = await TcpProxy.start({ port }, port + SHIFT);
  options = { port, dataDir: mkdtempSync(path.join(os.tmpdir(), 'sy-network-faults-')), brokers: 1, heap: '384m', advertisedPortShift: SHIFT };
  await ensureLocalKafka(options);
  const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: `127.0.0.1:${proxy.port}`, KAFKA_CLIENT_ID: 'network-faults', KAFKA_CLIENT: process.env.KAFKA_CLIENT });
  client = createKafkaClient(settings, createLogger('network-faults', { level: process.env.LOG_LEVEL ?? 'silent' }));
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  if (options) await stopLocalKafka(options, { wipe: true });
});

/** Waits until `ran` grew by `tasks` (or all are done): the next fault hits a worker in full flow. */
async function progressed(ran: () => number, tasks: number): Promise<void> {
  const target = Math.min(TASKS, ran() + tasks);
  await vi.waitFor(() => expect(ran()).toBeGreaterThanOrEqual(target), { timeout: 120_000, interval: 20 });
}

describe('worker under network faults (TCP proxy between it and the broker)', () => {
  it(`completes all ${TASKS} tasks through latency, resets, a stall, drops and refused connections; reruns <= incidents x maxUncommitted (${MAX_UNCOMMITTED})`, async () => {
    const queue = 'netfaults';
    const config = { name: queue, concurrency: CONCURRENCY };
    const admin = client.admin();
    await admin.connect();
    await ensureTopology(admin, config, { partitions: 6 });
    const producer = new TaskProducer({ client, queues: [queue] });
    await producer.connect();
    for (let i = 0; i < TASKS; i += 500) {
      await producer.enqueueMany(Array.from({ length: 500 }, (_, j) => ({ task: { id: `t-${i + j}`, type: 'net_task', queue, payload: { n: i + j } }, options: { tenant: `tenant-${(i + j) % 40}` } })));
    }

    const runs: string[] = [];
    const distinct = () => new Set(runs).size;
    let worker: Worker | undefined;
    try {
      worker = createWorker(
        client,
        { config: { name: `w-${queue}`, queues: [queue], queueConfigs: [config] }, commitIntervalMs: 50, maxUncommitted: MAX_UNCOMMITTED, sessionTimeoutMs: 10_000 },
        {
          net_task: async (task) => {
            runs.push(task.id);
            await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
          },
        },
        { log: createLogger('network-faults.worker', { level: process.env.LOG_LEVEL ?? 'silent' }) },
      );
      await worker.start();

      // Each incident below can break a transaction or the group session at most once.
      const incidents: string[] = [];
      await progressed(distinct, 200);
      proxy.setLatency(250);
      incidents.push('latency 250 ms each way');
      await progressed(distinct, 200);
      proxy.setLatency(0);
      expect(proxy.resetAll()).toBeGreaterThan(0);
      incidents.push('reset all');
      await progressed(distinct, 300);
      proxy.hold();
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // a stall shorter than the 10 s session: the fault itself, not a wait for a result
      proxy.release();
      incidents.push('3 s stall');
      await progressed(distinct, 300);
      expect(proxy.dropAll()).toBeGreaterThan(0);
      incidents.push('drop all');
      await progressed(distinct, 300);
      proxy.refuse(true);
      proxy.resetAll();
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the broker is unreachable for 2 s: the fault itself
      proxy.refuse(false);
      incidents.push('refused 2 s');

      await vi.waitFor(() => expect(distinct()).toBe(TASKS), { timeout: 180_000, interval: 100 });
      // Every task's last status is completed, read back through the (now healthy) proxy.
      const statuses = await collectTopics(client, [taskStatusTopic(queue)]);
      await vi.waitFor(() => {
        const latest = new Map<string, string>();
        for (const r of statuses.records) {
          const s = decodeTaskStatus(r);
          if (s) latest.set(s.taskId, s.status);
        }
        expect([...latest.values()].filter((s) => s === 'completed').length).toBe(TASKS);
      }, { timeout: 60_000, interval: 250 });

      const duplicates = runs.length - TASKS;
      console.log(`network faults: ${TASKS} tasks, ${runs.length} runs, ${duplicates} reruns over ${incidents.length} incidents (${incidents.join(', ')}); proxy accepted ${proxy.counts.accepted}, refused ${proxy.counts.refused}`);
      // A rerun needs a task started and not committed when an incident broke the transaction or
      // the session; the worker never has more than maxUncommitted such tasks.
      expect(duplicates).toBeLessThanOrEqual(incidents.length * MAX_UNCOMMITTED);
    } finally {
      await worker?.close();
      await producer.disconnect();
      await admin.deleteTopics(planQueueTopology(config, { partitions: 6 }).map((s) => s.topic)).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
