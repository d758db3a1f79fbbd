import { describe, expect, it, vi } from 'vitest';
import { createLogger, workerGroup } from '@switchyard/kafka';
import { groupsLeft, recordGroups } from '@switchyard/testing';
import { setupQueue } from '../worker.test-support.js';
import { readTaskStatus } from '../status/task-status-reader.js';
import { createWorker } from '../worker.js';

describe('cancelling tasks', () => {
  it('skips a queued task and aborts a running one, both ending with status cancelled', async () => {
    const q = await setupQueue({ concurrency: 2 });
    const ran: string[] = [];
    let started!: () => void;
    const runningStarted = new Promise<void>((resolve) => (started = resolve));
    await q.producer.cancel(q.name, 'later');
    await q.startWorker({
      long_job: async (task) => {
        ran.push(task.id);
        started();
        await new Promise((_, reject) => task.signal.addEventListener('abort', () => reject(task.signal.reason)));
      },
      quick_job: async (task) => void ran.push(task.id),
    });
    await q.producer.enqueueMany([
      { id: 'running', type: 'long_job', queue: q.name, payload: {} },
      { id: 'later', type: 'quick_job', queue: q.name, payload: {} },
      { id: 'other', type: 'quick_job', queue: q.name, payload: {} },
    ]);
    await runningStarted;
    await q.producer.cancel(q.name, 'running');
    const statuses = await q.statuses();
    await vi.waitFor(
      () => {
        const latest = statuses.latest();
        expect([latest.get('running')?.status, latest.get('later')?.status, latest.get('other')?.status]).toEqual(['cancelled', 'cancelled', 'completed']);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(ran.sort()).toEqual(['other', 'running']);
    expect((await readTaskStatus(q.client, q.name, 'later'))?.status).toBe('cancelled');
  });

  it('a worker start and close, and a status read, leave only the worker group on the cluster', async () => {
    const q = await setupQueue();
    const { client, groups } = recordGroups(q.client);
    // The worker's own group stays (it holds the queue's committed offsets) until this test's cleanup.
    q.admin.deleteGroupsAfterTest([workerGroup(`w-${q.name}`)]);
    await q.producer.cancel(q.name, 'gone');
    await q.producer.enqueue({ id: 'done', type: 'quick_job', queue: q.name, payload: {} });
    const ran: string[] = [];
    const worker = createWorker(client, { config: { name: `w-${q.name}`, queues: [q.name], queueConfigs: [q.config] }, commitIntervalMs: 50 }, { quick_job: async (task) => void ran.push(task.id) }, {
      log: createLogger(`worker.${q.name}`, { level: process.env.LOG_LEVEL ?? 'error' }),
    });
    await worker.start();
    try {
      await vi.waitFor(() => expect(ran).toEqual(['done']), { timeout: 30_000, interval: 100 });
    } finally {
      await worker.close();
    }
    await vi.waitFor(async () => expect((await readTaskStatus(client, q.name, 'done'))?.status).toBe('completed'), { timeout: 30_000, interval: 200 });

    const throwaway = groups.filter((g) => g !== workerGroup(`w-${q.name}`));
    expect(throwaway.some((g) => g.startsWith('switchyard.cancel-watch.'))).toBe(true);
    expect(throwaway.some((g) => g.startsWith('switchyard.status-reader.'))).toBe(true);
    expect(await groupsLeft(q.admin, throwaway)).toEqual([]);
    expect(await groupsLeft(q.admin, [workerGroup(`w-${q.name}`)])).toEqual([workerGroup(`w-${q.name}`)]);
  });
});
