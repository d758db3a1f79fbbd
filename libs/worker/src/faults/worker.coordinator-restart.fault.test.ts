/**
 * Issue 10, fault test "coordinator restart": on a 3-broker cluster of its own, kill -9 the broker
 * that coordinates the worker's transactions, twice (the second time the coordinator it moved
 * to). The worker process rides it out: it never dies and is never restarted, every acknowledged
 * task runs, and its health (the fixture's /healthz, read from `worker.health()` exactly as
 * services/worker serves it) says 503 while finished work cannot commit and is ok again within
 * the recovery deadline derived below.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ensureLocalKafka, portIsFree, runKafkaTool, signalLocalKafkaNode, stopLocalKafka } from '@switchyard/kafka-local';
import { createKafkaClient, createKafkajsClient, createLogger, DEFAULT_KAFKA_CLIENT, ensureTopology, kafkaSettingsFromEnv, laneTopics, planQueueTopology, workerGroup } from '@switchyard/kafka';
import { uniqueName } from '@switchyard/testing';
import { freeClusterPort, lines, timeline, TRANSACTION_STATE, transactionCoordinator, waitInSync, workerLog } from './worker.coordinator-restart.test-support.js';
import { TaskProducer } from '../producer/task-producer.js';

const FIXTURE = fileURLToPath(new URL('./worker.coordinator-restart-fixture.ts', import.meta.url));
const CLIENT = process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT;
const INSTANCE = 'cr-instance';
/** Kafka's default broker.session.timeout.ms (deploy/kafka-local leaves it): how long the controller waits before it fences a silent broker and moves its leaderships. */
const BROKER_SESSION_TIMEOUT_MS = 9_000;
const WORKER_SESSION_TIMEOUT_MS = 6_000;
const TRANSACTION_TIMEOUT_MS = 10_000;
const COMMIT_INTERVAL_MS = 100;
/**
 * From the kill to the first transaction that commits on the new coordinator: the controller
 * fences the dead broker (broker session timeout) and elects new leaders; then the worker's
 * client finds the new coordinator, and if the group coordinator died too, the member's session
 * either resumes or the group rebalances within the worker's session timeout.
 */
const RECOVERY_DEADLINE_MS = BROKER_SESSION_TIMEOUT_MS + WORKER_SESSION_TIMEOUT_MS + TRANSACTION_TIMEOUT_MS;
const ROUNDS = 2;
/**
 * Tasks started just before each kill run this long, so the worker holds finished work while the
 * coordinator is gone: shorter than the broker session timeout's lower end (the controller fences
 * a broker 7-9 s after its last heartbeat, sent every 2 s), before which no coordinator takes over.
 */
const SLOW_TASK_MS = 2_000;
/** How long a round watches for recovery, so a slow one is measured before the deadline is asserted. */
const OBSERVE_MS = 3 * RECOVERY_DEADLINE_MS;

/**
 * kafkajs wedges here, as issue 10 says (its EOS manager does not retry EndTxn: kafkajs issues 1275,
 * 1282). Measured 2026-12-06: after the first kill no transaction committed again; from +25.7 s on
 * every flush failed with `KafkaJSNonRetriableError: Transaction state exception: Cannot call
 * "beginTransaction" in state "ABORTING"` (kafkajs producer/eosManager/transactionStateMachine.js:25,
 * from KafkajsProducer.transaction, libs/kafka/src/client/kafkajs.adapter.ts:185) and /healthz
 * stayed 503 until the test gave up. Only a new producer (a worker restart) would recover.
 */
const WEDGES = new Set(['kafkajs']);
/*
 * confluent (@confluentinc/kafka-javascript, since removed: bench/README.md) did not pass either:
 * its first commit past the kill came at +29.4 s, and the second kill took the worker down with a
 * librdkafka assertion (SIGABRT).
 *
 * platformatic (@platformatic/kafka 2.12.1) passes. Before the adapter fixes of 2026-12-06 the
 * test's TaskProducer hung after the first kill (enqueueMany neither resolved nor rejected for the
 * 75 s watched, the cleanup's disconnect hung, /healthz stayed 200): the library retries a call
 * against the transaction coordinator and partition leaders it cached before the first attempt,
 * in nested retry loops (about 40 x 40 x 250 ms), and a replacement producer was refused with
 * PRODUCER_FENCED (its InitProducerId sent producer id 0, epoch 0); the group client also stops
 * heartbeating for good after one failed heartbeat. See platformatic.producer.ts and
 * platformatic.consumer.ts. Measured 2026-12-06 after them, six runs green in a row, first
 * commit past the kill (= health 200 again, within 20 ms) per round: 16.4 s, 18.9 s; 15.0 s,
 * 12.7 s; 16.4 s, 17.8 s; 15.7 s, 19.1 s; 13.5 s, 13.2 s; 12.8 s, 13.8 s. /healthz said 503 from
 * 0.2-0.4 s after each kill until that commit. The time goes to the controller fencing the dead
 * broker (clients meet it until 9-12.7 s after the kill) and the new coordinator answering
 * NOT_COORDINATOR until it has loaded (up to 6 s more). The killed node also held a group
 * coordinator of the worker in 9 of the 12 rounds (heartbeats failed; the member rejoined on a
 * new group client). No duplicate executions in any run.
 *
 * Remove a client from WEDGES once this test passes on it.
 */

describe.skipIf(WEDGES.has(CLIENT))(`coordinator restart (${CLIENT} client)`, () => {
  it(`a worker rides out ${ROUNDS} kill -9s of its transaction coordinator on a 3-broker cluster: it never dies, every acknowledged task runs, health is ok again within ${RECOVERY_DEADLINE_MS} ms`, { timeout: 300_000 }, async () => {
    const started = Date.now();
    const at = () => Date.now() - started;
    const port = await freeClusterPort();
    // One data dir per base port, kept after the run: the next run skips Maven and the storage format
    // (about a minute on this machine); each run has its own queue and group, deleted at the end.
    const options = { port, dataDir: path.join(os.tmpdir(), `sy-coordinator-restart-${port}`), brokers: 3, heap: '384m' } as const;
    // Undone last first, in one hook: the cluster stops after everything that talks to it.
    const cleanups: (() => Promise<unknown> | unknown)[] = [() => stopLocalKafka(options)];
    onTestFinished(async () => {
      const failed: unknown[] = [];
      for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((error: unknown) => failed.push(error));
      if (failed.length > 0) throw new AggregateError(failed, 'cleanup failed');
    });
    const { bootstrap } = await ensureLocalKafka(options);
    console.log(`[${at()} ms] cluster up at ${bootstrap}`);

    const log = createLogger('coordinator-restart-test', { level: process.env.LOG_LEVEL ?? 'warn' });
    // The adapter under test runs the worker and the task stream; the test watches the cluster
    // through kafkajs' admin, which rides out a broker loss: the watcher stays independent of the
    // adapter under test.
    const client = createKafkaClient(kafkaSettingsFromEnv({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT: CLIENT }), log);
    const admin = createKafkajsClient(kafkaSettingsFromEnv({ KAFKA_BROKERS: bootstrap, KAFKA_CLIENT: 'kafkajs' }), log).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const queue = uniqueName('cr').replace(/[^a-z0-9_-]/g, '');
    const layout = { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 };
    // A fresh cluster's brokers learn of a new topic one by one: retried until every one answers for it.
    await vi.waitFor(() => ensureTopology(admin, { name: queue, concurrency: 10 }, layout), { timeout: 60_000, interval: 500 });
    const queueTopics = planQueueTopology({ name: queue }, layout).map((s) => s.topic);
    const replicated = [TRANSACTION_STATE, '__consumer_offsets', ...queueTopics];
    const group = workerGroup(`cr-${queue}`);
    cleanups.push(async () => {
      await admin.deleteGroups([group]);
      await admin.deleteTopics(queueTopics);
    });
    const transactionalId = `${group}.${INSTANCE}`;

    // The cluster takes transactions before the worker starts (a fresh or restarted cluster answers
    // COORDINATOR_LOAD_IN_PROGRESS for a while): the producer's first call lands. The internal
    // topics exist once a transaction and a group used them: the rounds wait for those in sync too.
    await waitInSync(admin, queueTopics);
    const producer = new TaskProducer({ client, queues: [queue] });
    cleanups.push(() => producer.disconnect());
    await vi.waitFor(async () => {
      await producer.connect();
      await producer.enqueueMany([{ task: { id: 'task-first', type: 'cr_task', queue, payload: {} } }]);
    }, { timeout: 60_000, interval: 500 });

    // The worker process, and its health sampled every 100 ms from its first 200 on.
    const healthPort = await (async () => {
      for (let p = 39_000; ; p++) if (await portIsFree(p)) return p;
    })();
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sy-coordinator-restart-ran-'));
    cleanups.push(() => rm(outDir, { recursive: true, force: true }));
    const out = path.join(outDir, 'ran.txt');
    const startedFile = path.join(outDir, 'started.txt');
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: {
        ...process.env,
        KAFKA_BROKERS: bootstrap,
        KAFKA_CLIENT: CLIENT,
        CR_QUEUE: queue,
        CR_OUT_FILE: out,
        CR_STARTED_FILE: startedFile,
        CR_INSTANCE: INSTANCE,
        CR_HEALTH_PORT: String(healthPort),
        CR_SESSION_TIMEOUT_MS: String(WORKER_SESSION_TIMEOUT_MS),
        CR_TRANSACTION_TIMEOUT_MS: String(TRANSACTION_TIMEOUT_MS),
        CR_COMMIT_INTERVAL_MS: String(COMMIT_INTERVAL_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let childOutput = '';
    child.stdout.on('data', (chunk: Buffer) => void (childOutput += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (childOutput += chunk.toString()));
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => resolve(void (exit = { code, signal }))));
    cleanups.push(async () => {
      if (exit) return;
      child.kill('SIGKILL');
      await exited;
    });
    // What happened, printed at the end whether the test passed or not.
    const samples: { at: number; status: number }[] = [];
    const acked: { id: string; at: number }[] = [];
    const refused: string[] = [];
    const killed: number[] = [];
    const rounds: string[] = [];
    const recoveries: number[] = [];
    let lastKillAt = 0;
    acked.push({ id: 'task-first', at: at() });
    cleanups.push(() =>
      console.log(
        `coordinator restart (${CLIENT}): ${acked.length} tasks acknowledged, ${refused.length} enqueue calls refused, ${lines(out).length} executions (${lines(out).length - new Set(lines(out)).size} duplicates); killed nodes ${killed.join(', ')}; worker exit ${JSON.stringify(exit)}\n` +
          `health since the last kill: ${timeline(samples, lastKillAt)}\n${rounds.join('\n')}\n` +
          `refused (first 5):\n${refused.slice(0, 5).join('\n')}\nworker output (last 6000 chars):\n${childOutput.slice(-6000)}`,
      ),
    );
    const health = async (): Promise<number> => {
      try {
        return (await fetch(`http://127.0.0.1:${healthPort}/healthz`, { signal: AbortSignal.timeout(1_000) })).status;
      } catch {
        return 0;
      }
    };
    await vi.waitFor(async () => expect(await health()).toBe(200), { timeout: 60_000, interval: 100 });
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: at(), status: await health() });
        await sleep(100);
      }
    })();

    // A steady stream of tasks: 5 per call, one call after another; acknowledged ids recorded.
    let producing = true;
    let next = 0;
    const stream = (async () => {
      while (producing) {
        const ids = Array.from({ length: 5 }, () => `task-${next++}`);
        try {
          await producer.enqueueMany(ids.map((id) => ({ task: { id, type: 'cr_task', queue, payload: {} } })));
          const now = at();
          acked.push(...ids.map((id) => ({ id, at: now })));
        } catch (error) {
          refused.push(`[${at()} ms] ${(error as { code?: string }).code ?? ''} ${(error as Error).message.split('\n')[0]}`);
        }
        await sleep(50);
      }
    })();
    await vi.waitFor(() => expect(lines(out).length).toBeGreaterThanOrEqual(50), { timeout: 60_000, interval: 100 });


    for (let round = 1; round <= ROUNDS; round++) {
      await waitInSync(admin, replicated);
      const coordinator = await transactionCoordinator(admin, transactionalId);
      // Kafka's own tool agrees on the coordinator of the worker's transactional id.
      const described = await runKafkaTool('org.apache.kafka.tools.TransactionsCommand', ['--bootstrap-server', bootstrap, 'describe', '--transactional-id', transactionalId]);
      expect(described.code, described.stderr).toBe(0);
      expect(Number(described.stdout.trim().split('\n')[1]!.trim().split(/\s+/)[0])).toBe(coordinator.leader);
      const ranBefore = lines(out).length;
      // Work the worker holds across the kill: started before it, finished after it.
      const slow = Array.from({ length: 3 }, (_, i) => `slow-${round}-${i}`);
      await producer.enqueueMany(slow.map((id) => ({ task: { id, type: 'cr_slow', queue, payload: { ms: SLOW_TASK_MS } } })));
      acked.push(...slow.map((id) => ({ id, at: at() })));
      await vi.waitFor(() => expect(lines(startedFile)).toEqual(expect.arrayContaining(slow)), { timeout: 30_000, interval: 20 });

      const killedAt = at();
      const killedEpoch = Date.now();
      lastKillAt = killedAt;
      await signalLocalKafkaNode(options, coordinator.leader);
      killed.push(coordinator.leader);
      // Offsets only a transaction after the kill can commit: records written after this read.
      const ends = await vi.waitFor(async () => (await Promise.all(laneTopics(queue).map(async (topic) => (await admin.topicOffsets(topic)).map((o) => ({ topic, ...o }))))).flat(), {
        timeout: OBSERVE_MS,
        interval: 200,
      });
      let committedAt = -1;
      await vi.waitFor(async () => {
        const committed = await admin.groupOffsets(group, laneTopics(queue));
        const past = committed.some((c) => BigInt(c.offset) > BigInt(ends.find((e) => e.topic === c.topic && e.partition === c.partition)?.high ?? '-1'));
        expect(past, `no offset committed past the lane ends read after the kill; acked since the kill: ${acked.filter((a) => a.at > killedAt).length}`).toBe(true);
        committedAt = at();
      }, { timeout: OBSERVE_MS, interval: 200 });
      await vi.waitFor(async () => expect(await health()).toBe(200), { timeout: OBSERVE_MS, interval: 100 });
      const healthyAt = at();
      const unhealthy = samples.filter((s) => s.at >= killedAt && s.status !== 200);
      const saidUnhealthy = unhealthy.some((s) => s.status === 503 && s.at <= committedAt);
      rounds.push(
        `round ${round}: killed node ${coordinator.leader} (leader of ${TRANSACTION_STATE}[${coordinator.partition}]) at ${killedAt} ms; ` +
          `first commit past the kill after ${committedAt - killedAt} ms; health 200 after ${healthyAt - killedAt} ms; ` +
          `non-200 samples: ${unhealthy.length}${unhealthy.length ? ` (${unhealthy[0]!.at - killedAt}..${unhealthy.at(-1)!.at - killedAt} ms, statuses ${[...new Set(unhealthy.map((s) => s.status))].join('/')})` : ''}; ran ${lines(out).length - ranBefore} meanwhile; worker log since the kill:\n${workerLog(childOutput, killedEpoch, Date.now())}`,
      );
      console.log(`[${at()} ms] ${rounds.at(-1)}`);
      recoveries.push(Math.max(committedAt, healthyAt) - killedAt);
      expect(exit, 'the worker process exited').toBeUndefined();
      // The slow tasks finished while no coordinator could take their transaction.
      expect(saidUnhealthy, '/healthz said 503 between the kill and the first commit past it').toBe(true);

      const restartAt = at();
      await ensureLocalKafka(options);
      console.log(`[${at()} ms] node ${coordinator.leader} restarted in ${at() - restartAt} ms`);
    }

    // Stop the stream; every acknowledged task runs (at least once), with the worker never restarted.
    producing = false;
    await stream;
    await vi.waitFor(() => {
      const ran = new Set(lines(out));
      expect(acked.filter((a) => !ran.has(a.id)).map((a) => a.id)).toEqual([]);
    }, { timeout: RECOVERY_DEADLINE_MS, interval: 200 });
    expect(await health()).toBe(200);
    for (const recovery of recoveries) expect(recovery).toBeLessThanOrEqual(RECOVERY_DEADLINE_MS);
    sampling = false;
    await sampler;
    expect(exit, 'the worker process exited').toBeUndefined();
    // The stream went on across both kills: tasks were acknowledged after the last one.
    expect(acked.at(-1)!.at).toBeGreaterThan(lastKillAt);

    child.kill('SIGTERM');
    await exited;
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
