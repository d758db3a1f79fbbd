import pino from 'pino';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { workerGroup } from '@switchyard/kafka';
import { createWorker } from './worker.js';
import { setupQueue } from './worker.test-support.js';

const SESSION_TIMEOUT_MS = 6_000;

describe('a handler running longer than the session timeout', () => {
  it('keeps its partitions: the group stays stable with one member through 1.5 session timeouts of one task, and the task completes', { timeout: 60_000 }, async () => {
    const q = await setupQueue({}, 1);
    const messages: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) });
    const joins = () => messages.filter((m) => m === 'partitions assigned').length;
    let startedAt = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const name = `w-${q.name}`;
    const worker = createWorker(
      q.client,
      { config: { name, queues: [q.name], queueConfigs: [q.config] }, sessionTimeoutMs: SESSION_TIMEOUT_MS, commitIntervalMs: 50 },
      {
        long_job: async () => {
          startedAt = Date.now();
          await released;
        },
      },
      { log },
    );
    onTestFinished(() => worker.close());
    await worker.start();
    const statuses = await q.statuses();
    await q.producer.enqueue({ id: 'long', type: 'long_job', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(startedAt).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
    expect(joins()).toBe(1);
    // While the task runs, the group (as the broker sees it) stays Stable with this one member,
    // checked until the task has outlived the session timeout by half again.
    const seen: string[] = [];
    await vi.waitFor(async () => {
      const group = await q.admin.describeGroup(workerGroup(name));
      seen.push(`${group.state}/${group.members.length}`);
      expect(Date.now() - startedAt).toBeGreaterThan(SESSION_TIMEOUT_MS * 1.5);
    }, { timeout: 30_000, interval: 250 });
    expect(new Set(seen)).toEqual(new Set(['Stable/1']));
    release();
    await vi.waitFor(() => expect(statuses.latest().get('long')?.status).toBe('completed'), { timeout: 20_000, interval: 100 });
    expect(joins()).toBe(1);
    expect(worker.stats()).toMatchObject({ totalProcessed: 1, succeeded: 1, failed: 0 });
  });
});
