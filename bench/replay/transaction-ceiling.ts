/**
 * Where a replay's time goes, measured without the CLI: chunks shaped like the replay's copies
 * (~200-byte records with the three replay headers) sent back to back through the same Switchyard
 * kafkajs client from this one thread, once as replay transactions (send + sendOffsets + commit,
 * one at a time, as one writer lane of the replay does) and once as plain idempotent sends. Each
 * also reports the CPU this process spent per record: when that times the rate is close to one
 * core, the producer is CPU-bound, and a lane can go no faster on this machine.
 */
import { randomUUID } from 'node:crypto';
import { REPLAY_HEADERS, type OutgoingRecord, type ProducerPort } from '@switchyard/kafka';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { distribution, round, type Distribution } from '../worker/bench-timing.js';
import { keyOf, valueOf } from './replay-topics.js';

/**
 * Copies of these records in one replay transaction: the CLI's CopyWriter caps a transaction at
 * 900 KiB (services/cli/src/replay/copy-writer.ts), ~2,500 copies of ~370 encoded bytes.
 */
export const REPLAY_TRANSACTION_RECORDS = 2_500;

export interface ChunkTiming {
  readonly chunks: number;
  readonly chunkRecords: number;
  readonly msPerChunk: Distribution;
  readonly chunksPerSec: number;
  readonly recordsPerSec: number;
  /** CPU time of this process (user + system) per record, in microseconds. */
  readonly cpuUsPerRecord: number;
  /** CPU time over wall time: 1 = one core busy all along. */
  readonly coresBusy: number;
}

export interface TransactionTiming extends ChunkTiming {
  /** Mean ms of each step of a transaction. */
  readonly steps: { readonly beginAndSendMs: number; readonly sendOffsetsMs: number; readonly commitMs: number };
}

export interface TransactionCeiling {
  /** Replay-sized transactions, one at a time on one producer: the ceiling of one writer lane. */
  readonly transactional: TransactionTiming;
  /** The same chunks as plain idempotent sends (acks=all), no transaction. */
  readonly plain: ChunkTiming;
}

function chunkOf(source: string, n: number, size: number): OutgoingRecord[] {
  const replayedAt = new Date().toISOString();
  return Array.from({ length: size }, (_, j) => {
    const i = n * size + j;
    return { key: keyOf(i), value: valueOf(i), headers: { [REPLAY_HEADERS.origin]: `${source}/0/${i}`, [REPLAY_HEADERS.replayedAt]: replayedAt, [REPLAY_HEADERS.replayId]: 'bench-ceiling' } };
  });
}

/** Times `chunks` rounds of `send` (each a chunk of `size` records), wall and CPU. */
async function timeChunks(chunks: number, size: number, source: string, send: (records: OutgoingRecord[], n: number) => Promise<void>): Promise<ChunkTiming> {
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let n = 0; n < chunks; n++) {
    const records = chunkOf(source, n, size);
    const t0 = performance.now();
    await send(records, n);
    samples.push(performance.now() - t0);
  }
  const totalMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return {
    chunks,
    chunkRecords: size,
    msPerChunk: distribution(samples),
    chunksPerSec: round(chunks / (totalMs / 1000), 1),
    recordsPerSec: Math.round((chunks * size) / (totalMs / 1000)),
    cpuUsPerRecord: round((user + system) / (chunks * size), 1),
    coresBusy: round((user + system) / 1000 / totalMs, 2),
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
      const timing = await timeChunks(chunks, size, source, async (records, n) => {
        const t0 = performance.now();
        const tx = await producer.transaction();
        try {
          await tx.send([{ topic: target, records }]);
          const t1 = performance.now();
          await tx.sendOffsets({ groupId: group, generationId: -1, memberId: '' }, [{ topic: source, partition: 0, offset: String((n + 1) * size) }]);
          const t2 = performance.now();
          await tx.commit();
          sums.beginAndSendMs += t1 - t0;
          sums.sendOffsetsMs += t2 - t1;
          sums.commitMs += performance.now() - t2;
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
      });
      const mean = (ms: number) => round(ms / chunks);
      return { ...timing, steps: { beginAndSendMs: mean(sums.beginAndSendMs), sendOffsetsMs: mean(sums.sendOffsetsMs), commitMs: mean(sums.commitMs) } };
    });
  } finally {
    await k.rawAdmin.deleteGroups([group]).catch(() => undefined);
  }
}

/** `chunks` plain idempotent sends of `size` records, one after another. */
function plainChunks(k: BenchKafka, source: string, target: string, chunks: number, size: number): Promise<ChunkTiming> {
  return withProducer(k.client.producer(), (producer) => timeChunks(chunks, size, source, async (records) => void (await producer.send([{ topic: target, records }]))));
}

/** `records` replay-shaped records as replay-sized transactions, then as plain sends, all to `target`. */
export async function measureTransactionCeiling(k: BenchKafka, source: string, target: string, records: number): Promise<TransactionCeiling> {
  const chunks = Math.max(1, Math.round(records / REPLAY_TRANSACTION_RECORDS));
  const transactional = await transactionalChunks(k, source, target, chunks, REPLAY_TRANSACTION_RECORDS);
  const plain = await plainChunks(k, source, target, chunks, REPLAY_TRANSACTION_RECORDS);
  return { transactional, plain };
}
