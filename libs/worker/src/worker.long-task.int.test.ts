import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createWorker } from './worker.js';
import { setupQueue } from './worker.test-support.js';

describe('a handler running longer than the session timeout', () => {
  it('keeps its partitions: one group join during a 9 s task with sessionTimeoutMs 6000, and the task completes', { timeout: 30_000 }, async () => {
    const q = await setupQueue({}, 1);
    const messages: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) });
    const joins = () => messages.filter((m) => m === 'partitions assigned').length;
    let joinsAtStart = -1;
    let done = false;
    const worker = createWorker(
      q.client,
      { config: { name: `w-${q.name}`, queues: [q.name], queueConfigs: [q.config] }, sessionTimeoutMs: 6_000, commitIntervalMs: 50 },
      {
        long_job: async () => {
          joinsAtStart = joins();
          await sleep(9_000);
          done = true;
        },
      },
      { log },
    );
    onTestFinished(() => worker.close());
    await worker.start();
    const statuses = await q.statuses();
    await q.producer.enqueue({ id: 'long', type: 'long_job', queue: q.name, payload: {} });
    await vi.waitFor(() => expect(statuses.latest().get('long')?.status).toBe('completed'), { timeout: 25_000, interval: 200 });
    expect(done).toBe(true);
    expect(joinsAtStart).toBe(1);
    expect(joins()).toBe(1);
    expect(worker.stats()).toMatchObject({ totalProcessed: 1, succeeded: 1, failed: 0 });
  });
});
