/**
 * Fault suite (issue 11 item 3): the worker and its producer reach a broker of their own only
 * through a TCP proxy (the broker advertises the proxy's port), and the proxy injects network
 * faults while tasks run: added latency, every connection reset, a stall, clean drops, refused
 * connections. Every task must complete, the worker must stay up (an uncaught error fails the
 * run), and reruns stay within what the worker guarantees per incident.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger, decodeTaskStatus, ensureTopology, planQueueTopology, taskStatusTopic, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, injectNetworkFaults, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { TaskProducer } from '../producer/task-producer.js';
import { createWorker, type Worker } from '../worker.js';

const TASKS = 4_000;
/** Each task takes this long, so the run lasts seconds and every fault lands mid-flow (at most CONCURRENCY / HANDLER_MS tasks per ms). */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** The worker's rerun window: a task reruns only if it started and its offset was not committed. */
const MAX_UNCOMMITTED = 100;

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'network-faults', basePort: 28_092, proxied: true });
  client = broker.client('network-faults');
}, 180_000);

afterAll(async () => broker?.close());

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

      // Each incident can break a transaction or the group session at most once.
      const incidents = await injectNetworkFaults(broker.proxy!, distinct, TASKS, 250);

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
      console.log(`network faults: ${TASKS} tasks, ${runs.length} runs, ${duplicates} reruns over ${incidents.length} incidents (${incidents.join(', ')}); proxy accepted ${broker.proxy!.counts.accepted}, refused ${broker.proxy!.counts.refused}`);
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
