import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { laneTopics, scanTopics, TASK_HEADERS, taskDlqTopic, workerGroup } from '@switchyard/kafka';
import { testBrokers } from '@switchyard/testing';
import { setupQueue } from './worker.test-support.js';

const FIXTURE = fileURLToPath(new URL('./worker.zombie-fixture.ts', import.meta.url));
const TASKS = 400;
/**
 * The workers' client: the environment's, when it fences; otherwise platformatic. kafkajs sends
 * TxnOffsetCommit without generation and member id (no KIP-447) and cannot fence a zombie; the port
 * contract asserts that defect.
 */
const FENCING_CLIENTS = new Set(['platformatic']);
const CLIENT = FENCING_CLIENTS.has(process.env.KAFKA_CLIENT ?? '') ? process.env.KAFKA_CLIENT! : 'platformatic';

function ran(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** A worker process whose pino lines (stdout) are kept, so the test can wait for what it logged. */
function startWorker(env: Record<string, string>, children: ChildProcess[]): { child: ChildProcess; logs: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...env, KAFKA_CLIENT: CLIENT }, stdio: ['ignore', 'pipe', 'inherit'] });
  const logs: string[] = [];
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    logs.push(...lines);
  });
  children.push(child);
  return { child, logs };
}

describe(`a zombie worker (${CLIENT} client)`, () => {
  it('is fenced: a worker stopped past its session timeout while holding uncommitted outcomes writes none of them after it wakes, and committed offsets never go backwards', async () => {
    const q = await setupQueue({ concurrency: 5 }, 6);
    const group = workerGroup(`zombie-${q.name}`);
    q.admin.deleteGroupsAfterTest([group]);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'sy-zombie-')), 'ran.txt');
    const children: ChildProcess[] = [];
    onTestFinished(() => children.forEach((c) => c.kill('SIGKILL')));
    const env = (instance: string, commitIntervalMs: number) => ({
      KAFKA_BROKERS: testBrokers(),
      ZOMBIE_QUEUE: q.name,
      ZOMBIE_OUT_FILE: out,
      ZOMBIE_INSTANCE: instance,
      ZOMBIE_COMMIT_INTERVAL_MS: String(commitIntervalMs),
    });
    await q.producer.enqueueMany(Array.from({ length: TASKS }, (_, i) => ({ task: { id: `task-${i}`, type: 'zombie_task', queue: q.name, payload: { i } } })));

    // A commits rarely: when it is stopped, the outcomes (dead letters) of what it ran wait in its committer.
    const a = startWorker(env('a', 30_000), children);
    const dumps: { name: string; logs: string[] }[] = [{ name: 'a', logs: a.logs }];
    // On a failure, what each worker process logged last says why.
    onTestFinished(({ task }) => {
      if (task.result?.state === 'fail') for (const d of dumps) console.log(`worker ${d.name}:\n${d.logs.slice(-40).join('\n')}`);
    });
    await vi.waitFor(() => expect(ran(out).length).toBeGreaterThanOrEqual(50), { timeout: 60_000, interval: 50 });
    a.child.kill('SIGSTOP');
    const ranByA = ran(out).filter((line) => line.startsWith('a ')).length;

    // Committed offsets, sampled from now on: they may only move forward.
    const backwards: string[] = [];
    const highest = new Map<string, bigint>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const o of await q.admin.groupOffsets(group, laneTopics(q.name))) {
          const key = `${o.topic}[${o.partition}]`;
          const offset = BigInt(o.offset);
          if (offset < (highest.get(key) ?? -1n)) backwards.push(`${key}: ${highest.get(key)} -> ${offset}`);
          if (offset > (highest.get(key) ?? -1n)) highest.set(key, offset);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    // B takes every partition once A's session expired, and runs all tasks again from the committed offsets.
    const b = startWorker(env('b', 100), children);
    dumps.push({ name: 'b', logs: b.logs });
    const deadLetters = () => {
      const ids: string[] = [];
      return scanTopics(q.client, [taskDlqTopic(q.name)], (r) => void ids.push(r.headers[TASK_HEADERS.taskId]?.toString() ?? '')).then(() => ids);
    };
    // B is done when every task has its dead letter (read_committed: committed with its offsets).
    await vi.waitFor(async () => expect(new Set(await deadLetters()).size).toBe(TASKS), { timeout: 90_000, interval: 1_000 });

    // A wakes up: its partitions are gone. Its committer drops their outcomes (after a fenced transaction, or at once).
    a.child.kill('SIGCONT');
    await vi.waitFor(() => expect(a.logs.some((line) => line.includes('outcomes of revoked partitions dropped unwritten'))).toBe(true), { timeout: 60_000, interval: 100 });
    for (const { child } of [a, b]) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    sampling = false;
    await sampler;

    const letters = await deadLetters();
    const counts = new Map<string, number>();
    for (const id of letters) counts.set(id, (counts.get(id) ?? 0) + 1);
    console.log(`zombie test (${CLIENT}): A ran ${ranByA} before SIGSTOP; ${ran(out).length} executions; ${letters.length} dead letters`);
    expect(ranByA).toBeGreaterThan(0);
    expect(backwards).toEqual([]);
    // Every task's dead letter exactly once: none of the zombie's outcomes became visible.
    expect(counts.size).toBe(TASKS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(letters).toHaveLength(TASKS);
  });
});
