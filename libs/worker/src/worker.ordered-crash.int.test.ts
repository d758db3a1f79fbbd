import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeTaskEnvelope, RETRY_TIERS, retryTopic, TASK_HEADERS, workerGroup } from '@switchyard/kafka';
import { collectTopics, testBrokers } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

const FIXTURE = fileURLToPath(new URL('./worker.ordered-crash-fixture.ts', import.meta.url));
/** The poison task's retry backoff: longer than a kill, a restart and the dead member's 6 s session. */
const BACKOFF_MS = 20_000;

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/**
 * Regression (issue 11): ordered-retry key blocks lived only in memory, so after a crash a later
 * task of a key ran before the key's task waiting in a delay tier. The restarted worker rebuilds
 * the blocks from the delay tiers of the partitions it is assigned; so does a worker that takes
 * partitions over in a rebalance.
 */
describe('ordered retries across a crash or a rebalance', () => {
  it('kill -9 while a key waits in a delay tier (its failed task and a task parked behind it): after the restart the key keeps its order', async () => {
    const q = await setupQueue({}, 2);
    q.admin.deleteGroupsAfterTest([workerGroup(`ordered-crash-${q.name}`)]);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'sy-ordered-crash-')), 'ran.txt');
    const children: ChildProcess[] = [];
    onTestFinished(() => children.forEach((c) => c.kill('SIGKILL')));
    const startWorker = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: { ...process.env, KAFKA_BROKERS: testBrokers(), ORDERED_CRASH_QUEUE: q.name, ORDERED_CRASH_OUT_FILE: out, ORDERED_CRASH_BACKOFF_MS: String(BACKOFF_MS), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    };
    const tiers = await collectTopics(q.client, RETRY_TIERS.map((tier) => retryTopic(q.name, tier)));
    const inTier = (id: string, parked: boolean) =>
      tiers.records.some((r) => {
        const decoded = decodeTaskEnvelope(r);
        return decoded.ok && decoded.envelope.taskId === id && (r.headers[TASK_HEADERS.parkedBehind] !== undefined) === parked;
      });
    const task = (id: string) => ({ task: { id, type: 'ordered_step', queue: q.name, payload: {} }, options: { tenant: 'key-1' } });

    let child = startWorker();
    await q.producer.enqueueMany([task('poison'), task('after-1')]);
    // Committed (read_committed) in the delay tiers: the failed task's retry, and the later task parked behind it.
    await vi.waitFor(() => expect([inTier('poison', false), inTier('after-1', true)]).toEqual([true, true]), { timeout: 60_000, interval: 100 });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await q.producer.enqueueMany([task('after-2')]);
    child = startWorker();
    await vi.waitFor(() => expect(lines(out)).toContain('after-2#1'), { timeout: 90_000, interval: 100 });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    // The key's order: the failed task's retry, then the parked task, then the later one; each once.
    expect(lines(out)).toEqual(['poison#1', 'poison#2', 'after-1#1', 'after-2#1']);
  });

  it('the worker that had the key leaves while it waits in a delay tier: the one that takes its partitions over keeps the key in order', async () => {
    const backoffMs = 15_000;
    const q = await setupQueue({ defaultRetryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: backoffMs, maxDelayMs: backoffMs, backoffMultiplier: 1 } }, 2);
    const ran: string[] = [];
    const handlers = {
      ordered_step: async (task: { id: string; attempt: number }) => {
        ran.push(`${task.id}#${task.attempt}`);
        if (task.id.startsWith('poison') && task.attempt === 1) throw new Error('first attempt fails');
      },
    };
    const tiers = await collectTopics(q.client, RETRY_TIERS.map((tier) => retryTopic(q.name, tier)));
    const parkedOrRetried = (id: string) => tiers.records.some((r) => decodeTaskEnvelope(r).ok && r.headers[TASK_HEADERS.taskId]?.toString() === id);
    const task = (id: string) => ({ task: { id, type: 'ordered_step', queue: q.name, payload: {} }, options: { tenant: 'key-1' } });
    const a = await q.startWorker(handlers);
    await q.producer.enqueueMany([task('poison'), task('after-1')]);
    await vi.waitFor(() => expect([parkedOrRetried('poison'), parkedOrRetried('after-1')]).toEqual([true, true]), { timeout: 30_000, interval: 100 });
    await q.startWorker(handlers);
    await a.close();
    await q.producer.enqueueMany([task('after-2')]);
    await vi.waitFor(() => expect(ran).toContain('after-2#1'), { timeout: 60_000, interval: 100 });
    expect(ran).toEqual(['poison#1', 'poison#2', 'after-1#1', 'after-2#1']);
  });
});
