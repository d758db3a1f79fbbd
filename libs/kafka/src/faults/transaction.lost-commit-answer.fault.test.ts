/**
 * Fault suite (issue 11 item 3): a transaction commit whose answer is lost. The client reaches its
 * broker only through a TCP proxy, which lets the EndTxn request through and drops the broker's
 * answer (the connection reset): the transaction committed, and the client cannot know it. A caller
 * that writes a batch again when its commit fails (the worker's and the event bus's committer, the
 * gateway's sender) wrote it twice: the events network-fault test in CI routed 3 events twice.
 * The producer must ask the coordinator again (same producer id and epoch) until it answers, and
 * resolve the commit: every record is read once (read committed), and the producer goes on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KafkaClient, TopicRecords } from '../client/kafka-client.port.js';
import { writeUntilCommitted } from './transactions.test-support.js';
import { collectTopics, startFaultBroker, type FaultBroker } from '@switchyard/testing';

/** Kafka's API key of EndTxn (commit or abort of a transaction). */
const END_TXN = 26;
const TOPIC = 'lost-commit-answer';

let broker: FaultBroker;
let client: KafkaClient;

beforeAll(async () => {
  broker = await startFaultBroker({ name: 'lost-commit-answer', basePort: 29_092, proxied: true });
  client = broker.client('lost-commit-answer');
}, 180_000);

afterAll(async () => broker?.close());

const batchOf = (name: string): TopicRecords[] => [{ topic: TOPIC, records: [0, 1, 2].map((partition) => ({ key: `${name}-${partition}`, value: name, partition })) }];

describe('a transaction commit whose answer is lost', () => {
  it('is asked again of the coordinator and resolves: each record read once, the producer goes on', { timeout: 120_000 }, async () => {
    const admin = client.admin();
    await admin.connect();
    await vi.waitFor(() => admin.createTopics([{ topic: TOPIC, numPartitions: 3, replicationFactor: 1, configs: {} }]), { timeout: 60_000, interval: 500 });
    await admin.disconnect();
    const producer = client.producer({ transactionalId: 'lost-commit-answer', transactionTimeoutMs: 15_000 });
    await producer.connect();
    try {
      // A fresh broker refuses transactions until its coordinator has loaded: the first one is retried until it lands.
      const warmupFailures: unknown[] = [];
      await writeUntilCommitted(producer, batchOf('warmup'), warmupFailures);

      const failures: unknown[] = [];
      const tx = await producer.transaction();
      await tx.send(batchOf('lost-answer'));
      broker.proxy!.loseAnswerTo(END_TXN);
      const committed = await tx.commit().then(
        () => true,
        async (error: unknown) => {
          // As the committers do: the batch goes into the next transaction.
          failures.push(error);
          await tx.abort().catch(() => undefined);
          await writeUntilCommitted(producer, batchOf('lost-answer'), failures);
          return false;
        },
      );
      // The answer to EndTxn was lost: not a commit that never met the fault.
      expect(broker.proxy!.counts.lostAnswers).toBe(1);
      await writeUntilCommitted(producer, batchOf('after'), failures);

      const read = await collectTopics(client, [TOPIC]);
      const values = () => read.records.map((r) => `${r.value!.toString()}@${r.partition}`).toSorted();
      const expected = ['warmup', 'lost-answer', 'after'].flatMap((name) => [0, 1, 2].map((p) => `${name}@${p}`)).toSorted();
      await vi.waitFor(() => expect(values().length).toBeGreaterThanOrEqual(expected.length), { timeout: 30_000, interval: 200 });
      // Nothing more comes: the read is at the end of each partition (the last batch is in).
      await vi.waitFor(() => expect(read.records.some((r) => r.value!.toString() === 'after')).toBe(true), { timeout: 30_000, interval: 200 });
      expect(values()).toEqual(expected);
      expect(committed).toBe(true);
      expect(failures).toEqual([]);
    } finally {
      await producer.disconnect();
    }
  });
});
