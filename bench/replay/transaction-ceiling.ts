/**
 * Where a replay's time goes, measured without the CLI: chunks shaped like the replay's (500
 * copies of ~200 bytes with the three replay headers) sent back to back through the same Switchyard
 * kafkajs client, once as replay transactions (send + sendOffsets + commit, one at a time, as
 * RangeCopier does) and once as plain idempotent sends. The first is the ceiling of the replay's
 * one-transaction-in-flight design on this broker; the gap to the second is the transaction cost.
 */
import { randomUUID } from 'node:crypto';
import { REPLAY_HEADERS, type OutgoingRecord, type ProducerPort } from '@switchyard/kafka';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { distribution, round, type Distribution } from '../worker/bench-timing.js';
import { keyOf, valueOf } from './replay-topics.js';

/** The replay's cap per transaction (services/cli/src/replay/range-copier.ts). */
export const REPLAY_CHUNK_RECORDS = 500;
/** A larger transaction, to show how much the per-transaction cost is what limits the replay. */
export const LARGER_CHUNK_RECORDS = 2_000;

export interface ChunkTiming {
  readonly chunks: number;
  readonly chunkRecords: number;
  readonly msPerChunk: Distribution;
  readonly chunksPerSec: number;
  readonly recordsPerSec: number;
}

export interface TransactionTiming extends ChunkTiming {
  /** Mean ms of each step of a transaction. */
  readonly steps: { readonly beginAndSendMs: number; readonly sendOffsetsMs: number; readonly commitMs: number };
}

export interface TransactionCeiling {
  /** Replay-sized transactions (500 records), one at a time: the replay's ceiling. */
  readonly transactional: TransactionTiming;
  /** The same records in transactions of 2000. */
  readonly largerTransactions: TransactionTiming;
  /** The same 500-record chunks as plain idempotent sends (acks=all), no transaction. */
  readonly plain: ChunkTiming;
}

function chunkOf(source: string, n: number, size: number): OutgoingRecord[] {
  const replayedAt = new Date().toISOString();
  return Array.from({ length: size }, (_, j) => {
    const i = n * size + j;
    return { key: keyOf(i), value: valueOf(i), headers: { [REPLAY_HEADERS.origin]: `${source}/0/${i}`, [REPLAY_HEADERS.replayedAt]: replayedAt, [REPLAY_HEADERS.replayId]: 'bench-ceiling' } };
  });
}

function timing(samples: number[], totalMs: number, size: number): ChunkTiming {
  return {
    chunks: samples.length,
    chunkRecords: size,
    msPerChunk: distribution(samples),
    chunksPerSec: round(samples.length / (totalMs / 1000), 1),
    recordsPerSec: Math.round((samples.length * size) / (totalMs / 1000)),
  };
}

async function withProducer<T>(producer: ProducerPort, use: (p: ProducerPort) => Promise<T>): Promise<T> {
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/** `chunks` transactions of `size` records (send + sendOffsets + commit), one after another. */
async function transactionalChunks(k: BenchKafka, source: string, target: string, chunks: number, size: number): Promise<TransactionTiming> {
  const id = randomUUID().slice(0, 8);
  const group = `bench_replay_ceiling_${id}`;
  const sums = { beginAndSendMs: 0, sendOffsetsMs: 0, commitMs: 0 };
  const producer = k.client.producer({ transactionalId: `bench_replay_ceiling_${id}`, transactionTimeoutMs: 30_000 });
  try {
    return await withProducer(producer, async () => {
      const samples: number[] = [];
      const started = performance.now();
      for (let n = 0; n < chunks; n++) {
        const records = chunkOf(source, n, size);
        const t0 = performance.now();
        const tx = await producer.transaction();
        try {
          await tx.send([{ topic: target, records }]);
          const t1 = performance.now();
          await tx.sendOffsets(group, [{ topic: source, partition: 0, offset: String((n + 1) * size) }]);
          const t2 = performance.now();
          await tx.commit();
          const t3 = performance.now();
          sums.beginAndSendMs += t1 - t0;
          sums.sendOffsetsMs += t2 - t1;
          sums.commitMs += t3 - t2;
          samples.push(t3 - t0);
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
      }
      const mean = (ms: number) => round(ms / chunks);
      return { ...timing(samples, performance.now() - started, size), steps: { beginAndSendMs: mean(sums.beginAndSendMs), sendOffsetsMs: mean(sums.sendOffsetsMs), commitMs: mean(sums.commitMs) } };
    });
  } finally {
    await k.rawAdmin.deleteGroups([group]).catch(() => undefined);
  }
}

/** `chunks` plain idempotent sends of `size` records, one after another. */
async function plainChunks(k: BenchKafka, source: string, target: string, chunks: number, size: number): Promise<ChunkTiming> {
  return withProducer(k.client.producer(), async (producer) => {
    const samples: number[] = [];
    const started = performance.now();
    for (let n = 0; n < chunks; n++) {
      const records = chunkOf(source, n, size);
      const t0 = performance.now();
      await producer.send([{ topic: target, records }]);
      samples.push(performance.now() - t0);
    }
    return timing(samples, performance.now() - started, size);
  });
}

/** Replay-sized transactions, larger ones (same record total), then plain sends, all to `target`. */
export async function measureTransactionCeiling(k: BenchKafka, source: string, target: string, chunks: number): Promise<TransactionCeiling> {
  const transactional = await transactionalChunks(k, source, target, chunks, REPLAY_CHUNK_RECORDS);
  const largerChunks = Math.max(1, Math.round((chunks * REPLAY_CHUNK_RECORDS) / LARGER_CHUNK_RECORDS));
  const largerTransactions = await transactionalChunks(k, source, target, largerChunks, LARGER_CHUNK_RECORDS);
  const plain = await plainChunks(k, source, target, chunks, REPLAY_CHUNK_RECORDS);
  return { transactional, largerTransactions, plain };
}
