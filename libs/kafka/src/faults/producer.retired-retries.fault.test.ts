/**
 * Fault suite (issue 11 item 3), the zombie-commit defect (953f23f, transactions.broker-restart
 * note): a library producer retired (closed and replaced) while its retries were still running
 * must send nothing once the network comes back. One that did re-initialized the transactional
 * id (fencing its successor) and committed a transaction whose caller had been told it failed.
 *
 * The client reaches its broker only through a TCP proxy. A transaction's commit goes into a black
 * hole (the proxy holds every byte): the EndTxn reaches the proxy, never the broker, and after
 * twice the transaction timeout the commit fails (SY_KAFKA_COMMIT_UNKNOWN) and the library
 * producer is retired with that EndTxn still in flight: closing it fails the request, and the
 * library asks our retryDelay for a retry of a retired producer. Then the path heals (what was held
 * is dropped, as a dead path's bytes are) and the successor writes on. Every request the library
 * starts is attributed to its library producer (the library's diagnostics channels): none may come
 * from a closed one, the successor is never fenced, and the failed transaction is never read
 * committed.
 *
 * The library guards this itself: its ConnectionPool refuses connections once closed ("Connection
 * pool is closed", not retriable), so a closed producer's retry ends there, without a request.
 * So this test passes with 953f23f undone too: it guards the outcome (a regression in the library's
 * guard or in the adapter's retirement fails it), not 953f23f's cancellation of a retired producer's
 * retries, which is defence in depth. A variant that took the library's guard away (a closed pool
 * going on connecting: patching the library, so not kept here) failed without 953f23f (the retired
 * producer's retry sent FindCoordinator and EndTxn, 4 of 4 runs; once its EndTxn committed the
 * failed transaction) and passed with it.
 *
 * Measured 2026-12-07, @platformatic/kafka 2.12.1, 2 cores at load 9-11: 7 of 7 runs green, 34-40 s
 * for the file (the broker's start included; the test ~10 s). With 953f23f undone and the library's
 * guard on, no closed library producer started a request in any run of this scenario, nor of
 * back-to-back transactions through refused connections, stalls and resets, nor through a broker
 * stop/start and kill -9/start (707 library producers). So what made the zombie commits of
 * transactions.broker-restart (epochs 543-551) is NOT explained by a closed producer's retries: it
 * stays open (issue 11 note), and the on-demand restart tests are watched for it.
 */
import dc from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectTopics, startFaultBroker, type FaultBroker } from '@switchyard/testing';
import type { KafkaClient, TopicRecords } from '../client/kafka-client.port.js';
import { writeUntilCommitted } from './transactions.test-support.js';
import { DEFAULT_KAFKA_CLIENT } from '../client/kafka.options.js';
import { protocolErrorId } from '../client/platformatic/platformatic.errors.js';

/** Kafka's API key of EndTxn (commit or abort of a transaction). */
const END_TXN = 26;
/** Small: the black-holed commit fails after twice this (PlatformaticProducer's COMMIT_PATIENCE). */
const TRANSACTION_TIMEOUT_MS = 3_000;
/** What the broker answers a producer another one with its transactional id fenced. */
const FENCED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH']);
/** The retired producer's internals are the platformatic adapter's; another client is not under test. */
const PLATFORMATIC = (process.env.KAFKA_CLIENT ?? DEFAULT_KAFKA_CLIENT) === 'platformatic';

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  if (!PLATFORMATIC) return;
  broker = await startFaultBroker({ name: 'retired-retries', basePort: 31_092, proxied: true });
  client = broker.client('retired-retries');
}, 180_000);

afterAll(async () => broker?.close());

interface LibraryProducer {
  readonly instanceId: number;
  readonly closed: boolean;
}

/**
 * The requests the library starts (each on a connection, as it writes it) on behalf of a library
 * producer already closed, as `producer <id>: API <key>`, from now until `stop`. The library names
 * each client it creates on its instances channel and each request's connection's owner on its
 * connections:api channel.
 */
function watchClosedProducers(): { readonly requests: readonly string[]; readonly seen: () => number; stop(): void } {
  const producers = new Map<number, LibraryProducer>();
  const requests: string[] = [];
  // Requests of any library producer: none seen would mean the library names them no longer, and the watch proves nothing.
  let seen = 0;
  const created = (message: unknown) => {
    const { type, instance } = message as { type: string; instance: LibraryProducer };
    if (type === 'producer') producers.set(instance.instanceId, instance);
  };
  const none = () => undefined;
  const api = {
    start: (message: unknown) => {
      const { apiKey, connection } = message as { apiKey: number; connection: { ownerId?: number } };
      const owner = connection.ownerId === undefined ? undefined : producers.get(connection.ownerId);
      if (owner) seen++;
      if (owner?.closed) requests.push(`producer ${owner.instanceId}: API ${apiKey}`);
    },
    end: none,
    asyncStart: none,
    asyncEnd: none,
    error: none,
  };
  dc.subscribe('plt:kafka:instances', created);
  dc.tracingChannel('plt:kafka:connections:api').subscribe(api);
  return {
    requests,
    seen: () => seen,
    stop() {
      dc.unsubscribe('plt:kafka:instances', created);
      dc.tracingChannel('plt:kafka:connections:api').unsubscribe(api);
    },
  };
}

/**
 * A transaction's commit black-holed until its producer is retired, the path healed, three more
 * transactions: requests of closed library producers from the black hole on, the successor's
 * failures, and what a read_committed reader finds.
 */
async function retireWithCommitInFlight(name: string): Promise<{ closedProducerRequests: readonly string[]; requestsSeen: number; successorFailures: unknown[]; read: string[] }> {
  const topic = name;
  const proxy = broker.proxy!;
  const admin = client.admin();
  await admin.connect();
  await vi.waitFor(() => admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1, configs: {} }]), { timeout: 60_000, interval: 500 });
  await admin.disconnect();
  const batchOf = (label: string): TopicRecords[] => [{ topic, records: [0, 1, 2].map((partition) => ({ key: `${label}-${partition}`, value: label, partition })) }];
  // Before the producer: its first library producer is created with it.
  const watch = watchClosedProducers();
  const producer = client.producer({ transactionalId: name, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS });
  try {
    await producer.connect();
    // A fresh broker refuses transactions until its coordinator has loaded: the first one is retried until it lands.
    await writeUntilCommitted(producer, batchOf('warmup'), []);

    const tx = await producer.transaction();
    await tx.send(batchOf('failed'));
    const endTxnBefore = proxy.requestsOf(END_TXN);
    const closedBefore = watch.requests.length;
    proxy.hold();
    const failure = await tx.commit().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as { code?: string } | undefined)?.code).toBe('SY_KAFKA_COMMIT_UNKNOWN');
    // The fault landed: the commit's EndTxn reached the proxy, never the broker (the transaction did not commit).
    expect(proxy.requestsOf(END_TXN).received).toBeGreaterThan(endTxnBefore.received);
    expect(proxy.requestsOf(END_TXN).forwarded).toBe(endTxnBefore.forwarded);
    // Retired: nothing to send (its successor's InitProducerId aborts the transaction).
    await tx.abort();

    proxy.resetAll();
    proxy.release();
    const successorFailures: unknown[] = [];
    for (const label of ['after-0', 'after-1', 'after-2']) await writeUntilCommitted(producer, batchOf(label), successorFailures);

    const reader = await collectTopics(client, [topic]);
    const values = () => reader.records.map((r) => `${r.value!.toString()}@${r.partition}`).toSorted();
    // The last batch is read in every partition: the reader is past every earlier transaction, the failed one decided.
    await vi.waitFor(() => expect(values().filter((v) => v.startsWith('after-2@'))).toHaveLength(3), { timeout: 30_000, interval: 200 });
    await reader.stop();
    return { closedProducerRequests: watch.requests.slice(closedBefore), requestsSeen: watch.seen(), successorFailures, read: values() };
  } finally {
    proxy.release();
    watch.stop();
    await producer.disconnect();
  }
}

const committed = ['warmup', 'after-0', 'after-1', 'after-2'].flatMap((label) => [0, 1, 2].map((p) => `${label}@${p}`)).toSorted();

describe.skipIf(!PLATFORMATIC)('a library producer retired while its commit is in flight, then the network heals', () => {
  it('sends nothing more: its successor is not fenced and the failed transaction is never committed', { timeout: 120_000 }, async () => {
    const outcome = await retireWithCommitInFlight('retired-retries');
    expect(outcome.requestsSeen).toBeGreaterThan(0);
    expect(outcome.closedProducerRequests).toEqual([]);
    expect(outcome.successorFailures.map((e) => protocolErrorId(e)).filter((id) => id !== undefined && FENCED.has(id))).toEqual([]);
    expect(outcome.read).toEqual(committed);
  });
});
