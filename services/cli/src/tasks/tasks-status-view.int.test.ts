import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { ensureTopology, planQueueTopology } from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';
import { groupsLeft, recordGroups, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { CliContext } from '../cli-context.js';
import { statusAction } from './tasks.action.js';

describe('tasks status reads (in process, real broker)', () => {
  it('serves every read of a CLI context from one status view: one consumer group, none left after close', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const queue = uniqueName('cli-view').replace(/[^a-z0-9_-]/g, '');
    admin.deleteAfterTest(planQueueTopology({ name: queue }, { partitions: 3 }).map((s) => s.topic));
    await ensureTopology(admin, { name: queue }, { partitions: 3 });
    const producer = new TaskProducer({ client, queues: [queue] });
    onTestFinished(() => producer.disconnect());
    await producer.enqueueMany([1, 2, 3].map((i) => ({ task: { id: `task-${i}`, type: 'send_email', queue, payload: { i } }, options: { tenant: 'acme' } })));

    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => printed.push(String(chunk)) > 0);
    onTestFinished(() => write.mockRestore());
    const recording = recordGroups(client);
    const ctx = new CliContext({ json: true }, { client: recording.client });
    try {
      for (const id of ['task-1', 'task-2', 'task-3']) await statusAction(ctx, { queue, id });
      await expect(statusAction(ctx, { queue, id: 'no-such-task' })).rejects.toMatchObject({ code: 'SY_NOTHING_MATCHED' });
    } finally {
      await ctx.close();
    }
    expect(printed.map((p) => (JSON.parse(p) as { taskId: string; status: string }))).toMatchObject([
      { taskId: 'task-1', status: 'queued' },
      { taskId: 'task-2', status: 'queued' },
      { taskId: 'task-3', status: 'queued' },
    ]);
    // Four reads, one group (the view's), deleted when the context closed.
    expect(recording.groups).toHaveLength(1);
    expect(await groupsLeft(admin, recording.groups)).toEqual([]);
  });
});
