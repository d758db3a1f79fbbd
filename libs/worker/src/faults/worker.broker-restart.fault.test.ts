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
 * Not in the suite yet (issue 11 note). History: about 1 run in 5 failed on 2026-12-06 before
 * 111f220 (load 10-27); after it (a commit whose answer is lost is asked again, never written
 * twice) and cd932ad (the committer pauses after a failed transaction: no InitProducerId storm),
 * 26 of 28 runs passed: 4 on a quiet machine, 8 beside `npm test` and a benchmark (2 failed,
 * both before cd932ad), 14 after cd932ad (8 of them two at a time). What the 2 failures show:
 * - 347 and 36 tasks ran once and their last status read back was `queued`. kafka-dump-log of the
 *   kept broker data: their `completed` records are in an aborted transaction (producer epoch 0,
 *   ABORT marker when the broker came back) AND again in COMMITTED transactions right after
 *   (epoch 2, COMMIT markers; the batch retried). So the worker lost nothing; the test's status
 *   collector (a read_committed consumer alive through both restarts) did not hand them over,
 *   while its records after them arrived. A fresh read_committed reader over the same topic (in a
 *   scratch test of the same pattern: aborted by an epoch bump, then committed) reads them. Not
 *   explained yet: the collector's consumer across the restarts (rejoin, positions) is the suspect,
 *   and a consumer that skips committed records would lose tasks, so it stays open.
 * - On a failure the test now prints what a fresh read_committed reader finds and where the
 *   collector's offsets jumped or rewound; SY_FAULT_KEEP_DATA=1 keeps the broker's logs for
 *   kafka-dump-log.
 * A flaky test is a broken test: it runs on demand (SY_FAULT_UNSTABLE=1 npm run test:fault).
 */
const UNSTABLE = process.env.SY_FAULT_UNSTABLE !== '1';
const TASKS = 4_000;
/** Each task takes this long, so the run lasts seconds and both restarts land mid-flow (at most CONCURRENCY / HANDLER_MS tasks per ms). */
const HANDLER_MS = 25;
const CONCURRENCY = 20;
/** The worker's rerun window: a task reruns only if it started and its offset was not committed. */
const MAX_UNCOMMITTED = 100;

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  if (WEDGES.has(CLIENT) || UNSTABLE) return;
  broker = await startFaultBroker({ name: 'broker-restart', basePort: 22_092, proxied: false });
  client = broker.client('broker-restart');
}, 180_000);

afterAll(async () => broker?.close());

const progressed = (ran: () => number, tasks: number) => grew(ran, tasks, TASKS);

describe.skipIf(WEDGES.has(CLIENT) || UNSTABLE)(`worker through broker restarts (its only broker stops and starts, then is killed -9 and starts; ${CLIENT} client)`, () => {
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
