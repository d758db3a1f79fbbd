import { describe, expect, it, vi } from 'vitest';
import type { AdminPort, KafkaClient, ProducerPort, RecordAck, TopicRecords } from './kafka-client.port.js';
import { SwitchyardError } from '@switchyard/protocol';
import { TransactionalSender } from './transactional-sender.js';

/**
 * An in-memory client: each transaction records what it sent and how it ended. A record whose
 * value is 'too-big' is refused like the broker's MESSAGE_TOO_LARGE, 'broken' like a lost broker.
 * `hold` keeps the next transaction's send pending until released.
 */
function memoryClient() {
  const transactions: { records: string[]; ended?: 'committed' | 'aborted' }[] = [];
  let held: (() => void) | undefined;
  let holdNext = false;
  /** The next this-many sends are refused with NOT_COORDINATOR (a fresh cluster's coordinator loading). */
  let notNow = 0;
  /** The next commit lands but its answer never comes (the adapter gives up with SY_KAFKA_COMMIT_UNKNOWN). */
  let commitUnknown = false;
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    transaction: async () => {
      const tx: (typeof transactions)[number] = { records: [] };
      transactions.push(tx);
      return {
        send: async (batch: readonly TopicRecords[]): Promise<RecordAck[]> => {
          if (holdNext) {
            holdNext = false;
            await new Promise<void>((resolve) => (held = resolve));
          }
          const values = batch.flatMap((t) => t.records.map((r) => String(r.value)));
          if (values.includes('too-big')) throw Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE', retriable: false });
          if (values.includes('broken')) throw Object.assign(new Error('connection lost'), { type: 'NETWORK_EXCEPTION', retriable: true });
          if (notNow > 0) {
            notNow--;
            throw Object.assign(new Error('This is not the correct coordinator.'), { type: 'NOT_COORDINATOR', retriable: true });
          }
          tx.records.push(...values);
          return batch.map((t, i) => ({ topic: t.topic, partition: i, baseOffset: '0' }));
        },
        sendOffsets: async () => undefined,
        commit: async () => {
          tx.ended = 'committed';
          if (commitUnknown) {
            commitUnknown = false;
            throw new SwitchyardError('SY_KAFKA_COMMIT_UNKNOWN', 'no answer from the transaction coordinator; the transaction may have committed', { cause: Object.assign(new Error('not the coordinator'), { type: 'NOT_COORDINATOR' }) });
          }
        },
        abort: async () => void (tx.ended = 'aborted'),
      };
    },
  } as unknown as ProducerPort;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    describeTopicConfigs: async (topics: readonly string[]) => Object.fromEntries(topics.map((t) => [t, { 'max.message.bytes': '45' }])),
  } as unknown as AdminPort;
  const client = { clientId: 'test', producer: () => producer, admin: () => admin, consumer: () => { throw new Error('unused'); } } as KafkaClient;
  return {
    client,
    transactions,
    hold: () => void (holdNext = true),
    refuseNext: (times: number) => void (notNow = times),
    loseNextCommitAnswer: () => void (commitUnknown = true),
    release: async () => {
      while (!held) await new Promise((resolve) => setImmediate(resolve));
      held();
    },
  };
}

const call = (topic: string, ...values: string[]): TopicRecords[] => [{ topic, records: values.map((value) => ({ key: 'k', value })) }];
const label = (batch: TopicRecords[]) => {
  const labels = new Map(batch.flatMap((t) => t.records.map((r, i) => [r, `${t.topic}[${i}]`] as const)));
  return (record: TopicRecords['records'][number]) => labels.get(record);
};

describe('TransactionalSender', () => {
  it('sends a call in one transaction and lets calls made meanwhile share the next one, in call order', async () => {
    const memory = memoryClient();
    const sender = new TransactionalSender({ client: memory.client, idPrefix: 'test' });
    memory.hold();
    const first = sender.send(call('a', 'a1'));
    const later = [sender.send(call('b', 'b1')), sender.send(call('a', 'a2')), sender.send(call('c', 'c1'))];
    await memory.release();

    await first;
    const acks = await Promise.all(later);

    expect(memory.transactions).toEqual([
      { records: ['a1'], ended: 'committed' },
      { records: ['b1', 'a2', 'c1'], ended: 'committed' },
    ]);
    expect(acks.map((a) => a.map((ack) => ack.topic))).toEqual([['b'], ['a'], ['c']]);
  });

  it('reruns the calls of a shared transaction refused for a too large item alone: only the bad call fails, naming its item', async () => {
    const memory = memoryClient();
    const sender = new TransactionalSender({ client: memory.client, idPrefix: 'test' });
    memory.hold();
    const first = sender.send(call('a', 'a1'));
    const bad = call('t', 'ok', 'too-big');
    const results = Promise.allSettled([sender.send(call('b', 'b1')), sender.send(bad, label(bad)), sender.send(call('c', 'c1'))]);
    await memory.release();
    await first;

    const [b, refused, c] = await results;

    expect([b.status, c.status]).toEqual(['fulfilled', 'fulfilled']);
    expect(refused).toMatchObject({
      status: 'rejected',
      reason: { code: 'SY_PAYLOAD_TOO_LARGE', message: expect.stringContaining('t[1]'), details: { written: 0, items: [{ item: 't[1]', topic: 't', limit: 45 }] } },
    });
    expect(memory.transactions.filter((t) => t.ended === 'committed').flatMap((t) => t.records)).toEqual(['a1', 'b1', 'c1']);
    expect(memory.transactions.filter((t) => t.ended === 'aborted')).toHaveLength(2);
  });

  it('fails every call of a shared transaction the broker refuses for another reason, as SY_KAFKA_UNAVAILABLE with nothing written', async () => {
    const memory = memoryClient();
    const sender = new TransactionalSender({ client: memory.client, idPrefix: 'test' });
    memory.hold();
    const first = sender.send(call('a', 'a1'));
    const results = Promise.allSettled([sender.send(call('b', 'b1')), sender.send(call('c', 'broken'))]);
    await memory.release();
    await first;

    const settled = await results;

    for (const result of settled) {
      expect(result).toMatchObject({ status: 'rejected', reason: { code: 'SY_KAFKA_UNAVAILABLE', retriable: true, message: expect.stringContaining('NETWORK_EXCEPTION'), details: { written: 0 } } });
    }
    expect(memory.transactions.map((t) => t.ended)).toEqual(['committed', 'aborted']);
  });

  it('never makes again a transaction whose commit got no answer (SY_KAFKA_COMMIT_UNKNOWN: it may have landed): the call fails with that error', async () => {
    const memory = memoryClient();
    const sender = new TransactionalSender({ client: memory.client, idPrefix: 'test' });
    memory.loseNextCommitAnswer();
    await expect(sender.send(call('a', 'a1'))).rejects.toMatchObject({ code: 'SY_KAFKA_COMMIT_UNKNOWN', retriable: false });
    expect(memory.transactions.map((t) => [t.ended, t.records])).toEqual([['committed', ['a1']]]);
  });

  it('makes a transaction again while the broker answers NOT_COORDINATOR (nothing of a refused one is visible), at most 7 times, pausing 100 ms doubling', async () => {
    const memory = memoryClient();
    const sender = new TransactionalSender({ client: memory.client, idPrefix: 'test' });
    // The pauses run on fake timers: the test checks their sum instead of waiting 6.3 s.
    vi.useFakeTimers();
    try {
      memory.refuseNext(2);
      let started = Date.now();
      const a = sender.send(call('a', 'a1'));
      await vi.runAllTimersAsync();
      await expect(a).resolves.toHaveLength(1);
      expect(Date.now() - started).toBe(100 + 200);
      expect(memory.transactions.map((t) => [t.ended, t.records])).toEqual([['aborted', []], ['aborted', []], ['committed', ['a1']]]);

      memory.refuseNext(7);
      started = Date.now();
      const b = sender.send(call('b', 'b1')).then(
        () => undefined,
        (error: unknown) => error,
      );
      await vi.runAllTimersAsync();
      expect(await b).toMatchObject({ code: 'SY_KAFKA_UNAVAILABLE', retriable: true, message: expect.stringContaining('NOT_COORDINATOR'), details: { written: 0 } });
      expect(Date.now() - started).toBe(100 + 200 + 400 + 800 + 1_600 + 3_200);
      expect(memory.transactions.slice(3).map((t) => t.ended)).toEqual(Array(7).fill('aborted'));
    } finally {
      vi.useRealTimers();
    }
  });
});
