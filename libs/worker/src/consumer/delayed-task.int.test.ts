import { describe, expect, it, vi } from 'vitest';
import { setupQueue } from '../worker.test-support.js';

describe('delayed tasks', () => {
  it('runs a task with scheduledAt once, never before that time', async () => {
    const q = await setupQueue({}, 1);
    const runs: { id: string; at: number }[] = [];
    await q.startWorker({ reminder: (task) => void runs.push({ id: task.id, at: Date.now() }) });
    const statuses = await q.statuses();
    const scheduledAt = new Date(Date.now() + 3_000).toISOString();
    const receipt = await q.producer.enqueue({ id: 'later', type: 'reminder', queue: q.name, payload: {}, scheduledAt });
    expect(receipt.notBefore).toBe(scheduledAt);
    await vi.waitFor(() => expect(statuses.latest().get('later')?.status).toBe('completed'), { timeout: 30_000, interval: 100 });
    expect(runs.map((r) => r.id)).toEqual(['later']);
    expect(runs[0]!.at).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
    expect(statuses.latest().get('later')).toMatchObject({ status: 'completed', attempt: 1 });
  });
});
