import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testBrokers } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

const FIXTURE = fileURLToPath(new URL('./worker.crash-fixture.ts', import.meta.url));
const TASKS = 20_000;
const KILLS = 3;
/** The worker's rerun window (WorkerOptions.maxUncommitted), smaller than the default so the test presses on it. */
const MAX_UNCOMMITTED = 250;

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('crash recovery', () => {
  it(`runs every one of ${TASKS} tasks at least once through ${KILLS} SIGKILLs, with at most maxUncommitted (${MAX_UNCOMMITTED}) reruns per kill`, async () => {
    const q = await setupQueue({ concurrency: 20 }, 6);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'sy-crash-')), 'ran.txt');
    const children: ChildProcess[] = [];
    onTestFinished(() => children.forEach((c) => c.kill('SIGKILL')));
    const startWorker = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        env: { ...process.env, KAFKA_BROKERS: testBrokers(), CRASH_QUEUE: q.name, CRASH_OUT_FILE: out, CRASH_MAX_UNCOMMITTED: String(MAX_UNCOMMITTED), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    };

    for (let i = 0; i < TASKS; i += 2_000) {
      await q.producer.enqueueMany(
        Array.from({ length: 2_000 }, (_, j) => ({ task: { id: `task-${i + j}`, type: 'crash_task', queue: q.name, payload: { n: i + j } }, options: { tenant: `tenant-${(i + j) % 50}` } })),
      );
    }

    let child = startWorker();
    for (let kill = 1; kill <= KILLS; kill++) {
      const target = Math.floor((TASKS * kill) / (KILLS + 1));
      await vi.waitFor(() => expect(lines(out).length).toBeGreaterThanOrEqual(target), { timeout: 120_000, interval: 100 });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      child = startWorker();
    }
    await vi.waitFor(() => expect(new Set(lines(out)).size).toBe(TASKS), { timeout: 180_000, interval: 250 });
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));

    const ran = lines(out);
    const distinct = new Set(ran);
    const duplicates = ran.length - distinct.size;
    console.log(`crash test: ${TASKS} tasks, ${KILLS} kills, ${ran.length} executions, ${duplicates} duplicates`);
    expect(distinct.size).toBe(TASKS);
    // A task runs again only if a kill found it started and its offset not committed. The worker
    // starts a task only while started-and-uncommitted tasks (running, waiting for a transaction,
    // in the transaction under way, or finished behind a lower offset in flight) number fewer than
    // maxUncommitted, so each kill finds at most maxUncommitted of them; a restarted worker with
    // the same instance id fences the dead one's open transaction, and the final SIGTERM commits all.
    expect(duplicates).toBeLessThanOrEqual(KILLS * MAX_UNCOMMITTED);
  });
});
