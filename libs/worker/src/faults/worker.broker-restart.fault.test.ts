/**
 * Fault suite (issue 11 item 3): a worker mid-run on a single broker of its own, and the broker
 * goes away under it twice: a controlled stop and start again (data kept), then a kill -9 and a
 * start. Every task must complete (its last status is completed), the worker must stay up (an
 * uncaught error fails the run), and reruns stay within the worker's rerun window per incident.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_KAFKA_CLIENT, type KafkaClient } from '@switchyard/kafka';
import { progressed as grew, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import { expectAllCompleted, setupFaultQueue } from './worker-faults.test-support.js';

const CLIENT = process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT;
/**
 * Clients this test wedges on. kafkajs: when the broker stops while the worker's transaction is
 * being aborted (the connection closes mid-abort), its producer stays in state ABORTING and every
 * later transaction() throws "Cannot call beginTransaction in state ABORTING" (non-retriable); the
 * committer retries it at every flush and nothing commits again (measured: 2 of 4 runs stuck at
 * 434 and 752 of 4000 tasks, 3950 failed flushes in 183 s). Remove kafkajs once this passes on it.
 */
const WEDGES = new Set(['kafkajs']);
/**
 * History (issue 11 notes). 2026-12-06: about 1 run in 5 failed before 111f220 (a commit whose
 * answer is lost is asked again) and cd932ad (the committer pauses after a failed transaction);
 * after them 26 of 28 passed. The failures (347 and 36 tasks whose last status read back was
 * `queued`) were taken for a consumer that skips committed records. 2026-12-07, with the fresh
 * read_committed reader and SY_FAULT_KEEP_DATA=1: 1 of 8 runs failed the same way (18 tasks), the
 * fresh reader found none of their `completed` records either, and the kept data shows why: a
 * BROKER DEFECT of Kafka 4.4.0 (docs/kafka-client.md). Their transaction reached PrepareCommit and
 * CompleteCommit in __transaction_state, but 17 ms after the controlled shutdown began the
 * coordinator logged "Couldn't find leader endpoint for partitions ... likely deleted already and
 * hence can be skipped" and wrote no COMMIT marker: the sole replica's leadership was already
 * gone (leader -1). The records stayed in an open transaction, and the ABORT of the next
 * (failed) transaction, written after the restart, covered them. The committer had been told the
 * commit succeeded, so it rightly did not write them again. Fixed on our side by the broker's
 * config: deploy/kafka-local runs a single node with controlled.shutdown.enable=false (3282a08), so
 * "stop" here is a shutdown without leadership moves, and an interrupted commit completes after
 * the restart. The same run showed the committer's timer ticks bypassing its retry pause (15
 * transactions in 1.3 s against the restarting broker), fixed in e62fce9. Runs by default since.
 */
const TASKS = 4_000;
/** Each task takes this long, so the run lasts seconds and both restarts land mid-flow (at most CONCURRENCY / HANDLER_MS tasks per ms). */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** The worker's rerun window: a task reruns only if it started and its offset was not committed. */
const MAX_UNCOMMITTED = 100;

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  if (WEDGES.has(CLIENT)) return;
  broker = await startFaultBroker({ name: 'broker-restart', basePort: 22_092, proxied: false });
  client = broker.client('broker-restart');
}, 180_000);

afterAll(async () => broker?.close());

const progressed = (ran: () => number, tasks: number) => grew(ran, tasks, TASKS);

describe.skipIf(WEDGES.has(CLIENT))(`worker through broker restarts (its only broker stops and starts, then is killed -9 and starts; ${CLIENT} client)`, () => {
  it(`completes all ${TASKS} tasks through a stop/start and a kill -9/start of the broker; reruns <= restarts x maxUncommitted (${MAX_UNCOMMITTED})`, { timeout: 240_000 }, async () => {
    const q = await setupFaultQueue(client, { queue: 'brokerrestart', tasks: TASKS, type: 'restart_task', concurrency: CONCURRENCY, handlerMs: HANDLER_MS, maxUncommitted: MAX_UNCOMMITTED });
    const distinct = q.distinct;
    try {
      await q.startWorker('broker-restart.worker');

      // Each restart breaks the open transaction and the group session once: the tasks started and
      // not committed then (at most maxUncommitted) run again.
      const restarts: string[] = [];
      await progressed(distinct, 300);
      await broker.restart();
      restarts.push(`stop/start at ${distinct()} tasks`);
      await progressed(distinct, 300);
      await broker.killAndStart();
      restarts.push(`kill -9/start at ${distinct()} tasks`);
      // Both restarts landed mid-flow: tasks were still waiting after the second.
      expect(distinct()).toBeLessThan(TASKS);

      await vi.waitFor(() => expect(distinct()).toBe(TASKS), { timeout: 180_000, interval: 100 });
      await expectAllCompleted(client, 'brokerrestart', TASKS, q.runs);

      const duplicates = q.runs.length - TASKS;
      console.log(`broker restarts: ${TASKS} tasks, ${q.runs.length} runs, ${duplicates} reruns over ${restarts.length} restarts (${restarts.join(', ')})`);
      expect(duplicates).toBeLessThanOrEqual(restarts.length * MAX_UNCOMMITTED);
    } finally {
      await q.close();
    }
  });
});
