import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureTopology, planQueueTopology } from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';
import { groupsLeft, recordGroups, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { resolveDlqSource } from '../dlq/dlq-source.js';
import { TaskStatusViews } from './task-status.js';

describe('operator engine errors (real broker)', () => {
  it('reads task statuses from one view per queue, and fails with catalog codes for an unknown id or queue', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const queue = uniqueName('ops').replace(/[^a-z0-9_-]/g, '');
    admin.deleteAfterTest(planQueueTopology({ name: queue }, { partitions: 2 }).map((s) => s.topic));
    await ensureTopology(admin, { name: queue }, { partitions: 2 });
    const producer = new TaskProducer({ client, queues: [queue] });
    onTestFinished(() => producer.disconnect());
    await producer.enqueue({ id: 'task-1', type: 'send_email', queue, payload: { to: 'a@b.c' } }, { tenant: 'acme' });

    const recording = recordGroups(client);
    const views = new TaskStatusViews({ client: recording.client, admin });
    onTestFinished(() => views.close());
    await expect(views.require(queue, 'task-1')).resolves.toMatchObject({ taskId: 'task-1', queue, tenant: 'acme', status: 'queued' });
    await expect(views.require(queue, 'no-such-task')).rejects.toMatchObject({ name: 'SwitchyardError', code: 'SY_NOTHING_MATCHED', hint: expect.any(String) });
    await expect(views.require(`${queue}-nope`, 'task-1')).rejects.toMatchObject({ code: 'SY_INVALID_ARGUMENT', message: expect.stringContaining(`${queue}-nope`) });
    // Three reads, two of an existing queue: one view, one consumer group, deleted on close.
    expect(recording.groups).toHaveLength(1);
    await views.close();
    expect(await groupsLeft(admin, recording.groups)).toEqual([]);
    await expect(views.require(queue, 'task-1')).rejects.toMatchObject({ code: 'SY_INVALID_ARGUMENT' });
    await expect(resolveDlqSource(admin, client, { kind: 'queue', queue: `${queue}-nope` })).rejects.toMatchObject({ code: 'SY_INVALID_ARGUMENT' });
  });
});
