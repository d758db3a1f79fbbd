import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';
import { readTaskStatus } from '../status/task-status-reader.js';

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
});
