/**
 * Helpers of the coordinator-restart fault test (worker.coordinator-restart.fault.test.ts): which
 * broker coordinates a transactional id, replicas in sync, free ports for a cluster of its own,
 * and compact timelines of health samples and worker logs for the report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { portIsFree } from '@switchyard/kafka-local';
import type { AdminPort } from '@switchyard/kafka';

export const TRANSACTION_STATE = '__transaction_state';

/** java.lang.String#hashCode. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs: Math.abs, except Integer.MIN_VALUE maps to 0. */
export function kafkaAbs(n: number): number {
  return n === -2_147_483_648 ? 0 : Math.abs(n);
}

/** The broker coordinating `transactionalId`: leader of its partition of __transaction_state (TransactionStateManager.partitionFor). */
export async function transactionCoordinator(admin: AdminPort, transactionalId: string): Promise<{ partition: number; leader: number }> {
  const [state] = await admin.describeTopics([TRANSACTION_STATE]);
  const partition = kafkaAbs(javaStringHashCode(transactionalId)) % state!.partitions.length;
  return { partition, leader: state!.partitions.find((p) => p.partition === partition)!.leader };
}

/** Every replica of `topics` in sync: a kill while one still catches up would leave fewer than min ISR (2). */
export async function waitInSync(admin: AdminPort, topics: readonly string[]): Promise<void> {
  await vi.waitFor(async () => {
    for (const topic of await admin.describeTopics(topics)) for (const p of topic.partitions) expect(p.isr.length, `${topic.topic}[${p.partition}] ISR`).toBe(3);
  }, { timeout: 60_000, interval: 250 });
}

/** A base port with itself, the next two (brokers 2, 3) and their controllers (+1000) free, away from the shared brokers. */
export async function freeClusterPort(): Promise<number> {
  for (let port = 29_092; port < 29_992; port += 10) {
    const ports = [0, 1, 2].flatMap((i) => [port + i, port + 1000 + i]);
    if ((await Promise.all(ports.map(portIsFree))).every(Boolean)) return port;
  }
  throw new Error('no free port triple between 29092 and 29992');
}

/** The worker's warnings and errors (pino JSON lines) from `from` (epoch ms) to `to`, consecutive repeats counted. */
export function workerLog(output: string, from: number, to: number): string {
  const entries: { at: number; text: string; times: number }[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { time: number; msg?: string; err?: { message?: string } };
    if (entry.time < from || entry.time > to) continue;
    const text = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 200);
    const last = entries.at(-1);
    if (last?.text === text) last.times++;
    else entries.push({ at: entry.time - from, text, times: 1 });
  }
  return entries.map((e) => `  +${e.at} ms ${e.text}${e.times > 1 ? ` (x${e.times})` : ''}`).join('\n');
}

export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Health samples from `from` on as runs: `200 @+0..+3100 ms, 503 @+3200..+9800 ms, ...`. */
export function timeline(samples: readonly { at: number; status: number }[], from: number): string {
  const runs: { status: number; first: number; last: number }[] = [];
  for (const s of samples.filter((x) => x.at >= from)) {
    const run = runs.at(-1);
    if (run?.status === s.status) run.last = s.at - from;
    else runs.push({ status: s.status, first: s.at - from, last: s.at - from });
  }
  return runs.map((r) => `${r.status || 'no answer'} @+${r.first}..+${r.last} ms`).join(', ');
}
