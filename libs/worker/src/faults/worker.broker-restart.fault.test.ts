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
 * Not in the suite yet (issue 11 note): on platformatic it fails about 1 run in 5 (2026-12-06,
 * load 10-27 on 2 cores: 3 of 14 finished runs failed, 11 green, one more ran past 240 s; 11 of
 * them with another change to worker.ts under way in the checkout, 4 on a clean checkout of
 * 78b02c0, one of those failed), a real defect, diagnosed as far as this:
 * - LOST OUTCOMES (2 of 14): tasks that ran once have no committed `completed` status, and never
 *   run again. A read_uncommitted reader finds their `completed` records (one copy, or two: the
 *   batch retried once), so those records sit only in ABORTED transactions, while the group's
 *   offsets moved past the tasks. In the run logged at info the worker dropped no outcome (no
 *   "dropped unwritten" line from the committer), so the committer resolved them: a commit()
 *   resolved for a transaction the broker aborted. Measured: 18 tasks (t-447..t-484; the
 *   transaction that failed at the kill -9 held 18 outcomes); 308 tasks (t-529 on, the work
 *   between the worker's recovery from the stop/start and the kill -9). The producer alone does not show it: transactions.broker-restart
 *   (the same restarts, 6 runs: 3 with group offsets in each transaction) lost none of the ~600
 *   transactions committed in each run.
 *   Suspects, not proven: a replaced (retired) library producer whose retries go on (the
 *   adapter's retryDelay returns 0 for a retired instance) sending InitProducerId or EndTxn with
 *   the same transactional id after its successor began; the broker answering a fenced EndTxn.
 * - RERUNS over the bound (1 of 14): 236 > 2 x maxUncommitted; more than one rebalance with a
 *   failed commit per restart at load 20+.
 * A flaky test is a broken test: it runs on demand (SY_FAULT_UNSTABLE=1 npm run test:fault); on a
 * failure it prints each missing task's run count and what a read_uncommitted reader finds;
 * SY_FAULT_KEEP_DATA=1 keeps the broker's logs for kafka-dump-log.
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
