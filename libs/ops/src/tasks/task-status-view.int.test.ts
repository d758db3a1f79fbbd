import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeTaskStatus, ensureTopology, planQueueTopology, taskStatusTopic } from '@switchyard/kafka';
import { TaskProducer } from '@switchyard/worker';
import { groupsLeft, recordGroups, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { TaskStatusView } from './task-status-view.js';

describe('TaskStatusView (real broker)', () => {
  it('serves the latest status of tasks written before and after it started, from one consumer', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const queue = uniqueName('ops-view').replace(/[^a-z0-9_-]/g, '');
    admin.deleteAfterTest(planQueueTopology({ name: queue }, { partitions: 3 }).map((s) => s.topic));
    await ensureTopology(admin, { name: queue }, { partitions: 3 });
    const producer = new TaskProducer({ client, queues: [queue] });
    onTestFinished(() => producer.disconnect());
    await producer.enqueue({ id: 'before-1', type: 'send_email', queue, payload: {} }, { tenant: 'acme' });
    await producer.enqueue({ id: 'before-2', type: 'send_email', queue, payload: {} }, { tenant: 'globex' });

    const recording = recordGroups(client);
    const view = new TaskStatusView({ client: recording.client, admin, queue });
    onTestFinished(() => view.close());
    await expect(view.get('before-1')).rejects.toMatchObject({ code: 'SY_INVALID_ARGUMENT' });
    await view.start();
    await expect(view.get('before-1')).resolves.toMatchObject({ taskId: 'before-1', tenant: 'acme', status: 'queued' });
    await expect(view.get('before-2')).resolves.toMatchObject({ taskId: 'before-2', tenant: 'globex' });
    await expect(view.get('never-enqueued')).resolves.toBeUndefined();

    // Written after the view started: the next read waits until the view has it.
    await producer.enqueue({ id: 'after-1', type: 'send_email', queue, payload: {} }, { tenant: 'acme' });
    await expect(view.get('after-1')).resolves.toMatchObject({ taskId: 'after-1', status: 'queued' });

    // A later record of the same id wins; a tombstone removes the task.
    const { format: _format, ...queued } = (await view.get('before-1'))!;
    const writer = client.producer();
    await writer.connect();
    onTestFinished(() => writer.disconnect());
    await writer.send([{ topic: taskStatusTopic(queue), records: [encodeTaskStatus({ ...queued, status: 'completed' }), { key: 'before-2', value: null }] }]);
    await expect(view.get('before-1')).resolves.toMatchObject({ taskId: 'before-1', status: 'completed' });
    await expect(view.get('before-2')).resolves.toBeUndefined();

    // Eight reads, one consumer group, deleted on close.
    expect(recording.groups).toHaveLength(1);
    await view.close();
    expect(await groupsLeft(admin, recording.groups)).toEqual([]);
  });
});
