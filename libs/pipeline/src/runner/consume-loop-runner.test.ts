import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ConsumerPort, KafkaClient, ProducerPort, TopicPartitions } from '@switchyard/kafka';
import { inMemoryTransactions } from '@switchyard/testing';
import { OffsetTrackers } from '../offsets/offset-tracker.js';
import { ConsumeLoopRunner, type ConsumeLoopHandlers } from './consume-loop-runner.js';

const log = pino({ level: 'silent' });

/**
 * Unit test of the runner's order of start and close (pure sequencing): an in-memory client whose
 * consumer records the calls made on it and whose producer is `inMemoryTransactions`. The runner
 * against the real broker is covered by every worker, subscription and route integration test.
 */
function memoryClient(options: { readonly stopHangs?: boolean } = {}) {
  const calls: string[] = [];
  const kafka = inMemoryTransactions();
  const hooks: { revoked?: (revoked: readonly TopicPartitions[], lost: boolean) => Promise<void> | void; joined?: (a: { memberId: string; assignment: Record<string, number[]> }) => void } = {};
  const consumer = {
    groupId: 'g',
    groupMetadata: kafka.consumer.groupMetadata,
    connect: async () => void calls.push('consumer.connect'),
    disconnect: async () => void calls.push('consumer.disconnect'),
    subscribe: async (topics: readonly string[]) => void calls.push(`subscribe ${topics.join(',')}`),
    run: async () => void calls.push('run'),
    stop: () => {
      calls.push('consumer.stop');
      return options.stopHangs ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    pause: (parts: readonly TopicPartitions[]) => void calls.push(`pause ${parts.map((p) => p.topic).join(',')}`),
    onGroupJoin: (listener: NonNullable<typeof hooks.joined>) => ((hooks.joined = listener), () => undefined),
    onPartitionsRevoked: (listener: NonNullable<typeof hooks.revoked>) => ((hooks.revoked = listener), () => undefined),
    onCrash: () => () => undefined,
  } as unknown as ConsumerPort;
  const producer: ProducerPort = {
    ...kafka.producer,
    connect: async () => void calls.push('producer.connect'),
    disconnect: async () => void calls.push('producer.disconnect'),
    transaction: async () => {
      calls.push('transaction');
      return kafka.producer.transaction();
    },
  };
  const client = { consumer: () => consumer, producer: () => producer } as unknown as KafkaClient;
  return { client, calls, kafka, hooks };
}

const handlers = (calls: string[]): ConsumeLoopHandlers => ({
  onAssignment: (assignment) => void calls.push(`assigned ${Object.keys(assignment).join(',')}`),
  onRevoked: (_revoked, lost) => void calls.push(`revoked lost=${lost}`),
  eachBatch: async () => undefined,
});

describe('ConsumeLoopRunner', () => {
  it('starts in order (connect, subscribe, fetch), hands group events to the loop, and refuses to fetch when beforeFetch says so', async () => {
    const { client, calls, hooks } = memoryClient();
    const runner = new ConsumeLoopRunner({ client, consumer: { groupId: 'g' }, transactionalId: 'g.1', trackers: new OffsetTrackers(), commitIntervalMs: 60_000, log });
    await runner.start(handlers(calls), { topics: ['a', 'b'], fromBeginning: true, autoResolve: false, partitionsConsumedConcurrently: 2 });
    hooks.joined!({ memberId: 'm', assignment: { a: [0] } });
    await hooks.revoked!([{ topic: 'a', partitions: [0] }], false);
    expect(calls).toEqual(['producer.connect', 'consumer.connect', 'subscribe a,b', 'run', 'assigned a', 'revoked lost=false']);
    await runner.close(async () => undefined);

    const second = memoryClient();
    const idle = new ConsumeLoopRunner({ client: second.client, consumer: { groupId: 'g' }, transactionalId: 'g.2', trackers: new OffsetTrackers(), commitIntervalMs: 60_000, log });
    await idle.start(handlers(second.calls), { topics: ['a'], fromBeginning: true, autoResolve: false, partitionsConsumedConcurrently: 1, beforeFetch: () => false });
    expect(second.calls).toEqual(['producer.connect', 'consumer.connect', 'subscribe a']);
  });

  it('closes as a member to the end: pause, drain, the final commit of what finished (with its offset), then leave and disconnect', async () => {
    const { client, calls, kafka } = memoryClient();
    const trackers = new OffsetTrackers();
    const runner = new ConsumeLoopRunner({ client, consumer: { groupId: 'g' }, transactionalId: 'g.1', trackers, commitIntervalMs: 60_000, log });
    await runner.start(handlers(calls), { topics: ['t'], fromBeginning: true, autoResolve: false, partitionsConsumedConcurrently: 1 });
    calls.length = 0;
    const tracker = trackers.forPartition('t', 0);
    tracker.track('7');
    let also = false;
    await runner.close(
      async () => {
        calls.push('drain');
        // Work that finishes during the drain is committed by the close, not dropped.
        void runner.committer.submit({ records: [{ topic: 'out', record: { key: 'k', value: 'v' } }], complete: () => tracker.complete('7') });
      },
      async () => void (also = true),
    );
    expect(calls).toEqual(['pause t', 'drain', 'transaction', 'consumer.stop', 'consumer.disconnect', 'producer.disconnect']);
    expect(also).toBe(true);
    expect(kafka.committed).toHaveLength(1);
    expect(kafka.committed[0]!.records.map((r) => r.topic)).toEqual(['out']);
    expect(kafka.committed[0]!.offsets).toEqual([{ topic: 't', partition: 0, offset: '8' }]);
  });

  it('bounds each close step by leaveTimeoutMs: a leave that never ends does not hold close()', async () => {
    const { client, calls } = memoryClient({ stopHangs: true });
    const runner = new ConsumeLoopRunner({ client, consumer: { groupId: 'g' }, transactionalId: 'g.1', trackers: new OffsetTrackers(), commitIntervalMs: 60_000, leaveTimeoutMs: 50, log });
    await runner.start(handlers(calls), { topics: ['t'], fromBeginning: true, autoResolve: false, partitionsConsumedConcurrently: 1 });
    await runner.close(async () => undefined);
    expect(calls.at(-1)).toBe('consumer.stop');
  });

  it('a runner that never started only disconnects; commit health follows the committer', async () => {
    const { client, calls } = memoryClient();
    const runner = new ConsumeLoopRunner({ client, consumer: { groupId: 'g' }, transactionalId: 'g.1', trackers: new OffsetTrackers(), commitIntervalMs: 100, transactionTimeoutMs: 1_000, log });
    expect(runner.commitHealth()).toEqual({ ok: true });
    await runner.close(async () => void calls.push('drain'));
    expect(calls).toEqual(['consumer.disconnect', 'producer.disconnect']);
  });
});
