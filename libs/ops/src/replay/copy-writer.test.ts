import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, ProducerPort, TopicPartitionOffset, TopicRecords } from '@switchyard/kafka';
import { CopyWriter, TRANSACTION_CAPS, type CopyChunk } from './copy-writer.js';

interface Tx {
  records: OutgoingRecord[];
  offsets: TopicPartitionOffset[];
  ended?: 'committed' | 'aborted';
}

/** A transactional producer that records its transactions; `gate` holds each send until released. */
function fakeProducer(options: { failSend?: number } = {}) {
  const txs: Tx[] = [];
  const held: (() => void)[] = [];
  let sends = 0;
  const producer = {
    transaction: async () => {
      const tx: Tx = { records: [], offsets: [] };
      txs.push(tx);
      return {
        send: async (batch: readonly TopicRecords[]) => {
          await new Promise<void>((resolve) => held.push(resolve));
          if (++sends === options.failSend) throw new Error('broker said no');
          tx.records.push(...batch.flatMap((b) => b.records));
          return [];
        },
        sendOffsets: async (_group: unknown, offsets: readonly TopicPartitionOffset[]) => void tx.offsets.push(...offsets),
        commit: async () => void (tx.ended = 'committed'),
        abort: async () => void (tx.ended = 'aborted'),
      };
    },
  } as unknown as ProducerPort;
  const release = async () => {
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    held.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { producer, txs, release };
}

const chunk = (partition: number, from: number, count: number): CopyChunk => ({
  partition,
  records: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: 'v' })),
  bytes: count * 100,
  position: BigInt(from + count),
});

function writerOf(producer?: ProducerPort) {
  const committed: [number, bigint, number][] = [];
  const failures: unknown[] = [];
  const writer = new CopyWriter({
    ...(producer ? { producer } : {}),
    topic: 'src',
    toTopic: 'dst',
    group: 'g',
    onCommitted: (partition, position, written) => committed.push([partition, position, written]),
    onFailed: (error) => failures.push(error),
  });
  return { writer, committed, failures };
}

describe('CopyWriter', () => {
  it('writes what queued up behind a transaction in one transaction, with each partition progress', async () => {
    const { producer, txs, release } = fakeProducer();
    const { writer, committed } = writerOf(producer);
    await writer.write(chunk(0, 0, 10));
    // While the first transaction is in flight, chunks of two partitions queue up.
    await writer.write(chunk(1, 0, 5));
    await writer.write(chunk(0, 10, 5));
    await writer.write(chunk(1, 5, 5));
    await release();
    await release();
    expect(txs).toHaveLength(2);
    expect(txs[1]!.records.map((r) => r.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k10', 'k11', 'k12', 'k13', 'k14', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(txs[1]!.offsets).toEqual([
      { topic: 'src', partition: 1, offset: '10' },
      { topic: 'src', partition: 0, offset: '15' },
    ]);
    expect(txs.every((tx) => tx.ended === 'committed')).toBe(true);
    expect(committed).toEqual([
      [0, 10n, 10],
      [1, 10n, 10],
      [0, 15n, 5],
    ]);
  });

  it('keeps a transaction within the record cap', async () => {
    const { producer, txs, release } = fakeProducer();
    const { writer } = writerOf(producer);
    const half = TRANSACTION_CAPS.maxRecords / 2;
    await writer.write(chunk(0, 0, 1));
    for (let i = 0; i < 3; i++) await writer.write({ ...chunk(0, 1 + i * half, half), bytes: 0 });
    for (let i = 0; i < 3; i++) await release();
    expect(txs.map((tx) => tx.records.length)).toEqual([1, 2 * half, half]);
  });

  it('aborts a failed transaction, commits nothing after it and fails every later write', async () => {
    const { producer, txs, release } = fakeProducer({ failSend: 1 });
    const { writer, committed, failures } = writerOf(producer);
    await writer.write(chunk(0, 0, 10));
    await writer.write(chunk(0, 10, 10));
    await release();
    expect(txs.map((tx) => tx.ended)).toEqual(['aborted']);
    expect(committed).toEqual([]);
    expect(failures).toHaveLength(1);
    await expect(writer.write(chunk(0, 20, 10))).rejects.toThrow('broker said no');
    await expect(writer.stop()).rejects.toThrow('broker said no');
  });

  it('stop drops what is queued and waits for the transaction in flight', async () => {
    const { producer, txs, release } = fakeProducer();
    const { writer, committed } = writerOf(producer);
    await writer.write(chunk(0, 0, 10));
    await writer.write(chunk(0, 10, 10));
    const stopped = writer.stop();
    await release();
    await stopped;
    expect(txs).toHaveLength(1);
    expect(committed).toEqual([[0, 10n, 10]]);
    expect(await writer.write(chunk(0, 10, 10))).toBe(false);
  });

  it('records progress without a producer (dry run)', async () => {
    const { writer, committed } = writerOf();
    await writer.write({ ...chunk(2, 0, 0), position: 7n });
    await writer.stop();
    expect(committed).toEqual([[2, 7n, 0]]);
  });
});
