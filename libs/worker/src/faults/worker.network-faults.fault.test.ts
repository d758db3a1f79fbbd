/**
 * Fault suite (issue 11 item 3): the worker and its producer reach a broker of their own only
 * through a TCP proxy (the broker advertises the proxy's port), and the proxy injects network
 * faults while tasks run: added latency, every connection reset, a stall, clean drops, refused
 * connections. Every task must complete, the worker must stay up (an uncaught error fails the
 * run), and reruns stay within what the worker guarantees per incident.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KafkaClient } from '@switchyard/kafka';
import { injectNetworkFaults, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { expectAllCompleted, setupFaultQueue } from './worker-faults.test-support.js';

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
    const q = await setupFaultQueue(client, { queue: 'netfaults', tasks: TASKS, type: 'net_task', concurrency: CONCURRENCY, handlerMs: HANDLER_MS, maxUncommitted: MAX_UNCOMMITTED });
    try {
      await q.startWorker('network-faults.worker');

      // Each incident can break a transaction or the group session at most once.
      const incidents = await injectNetworkFaults(broker.proxy!, q.distinct, TASKS, 250);

      await vi.waitFor(() => expect(q.distinct()).toBe(TASKS), { timeout: 180_000, interval: 100 });
      // Every task's last status is completed, read back through the (now healthy) proxy.
      await expectAllCompleted(client, 'netfaults', TASKS, q.runs);

      const duplicates = q.runs.length - TASKS;
      console.log(`network faults: ${TASKS} tasks, ${q.runs.length} runs, ${duplicates} reruns over ${incidents.length} incidents (${incidents.join(', ')}); proxy accepted ${broker.proxy!.counts.accepted}, refused ${broker.proxy!.counts.refused}`);
      // A rerun needs a task started and not committed when an incident broke the transaction or
      // the session; the worker never has more than maxUncommitted such tasks.
      expect(duplicates).toBeLessThanOrEqual(incidents.length * MAX_UNCOMMITTED);
    } finally {
      await q.close();
    }
  });
});
