import { describe, expect, it, vi } from 'vitest';
import { laneTopic, TASK_HEADERS } from '@switchyard/kafka';
import { collectTopics } from '@switchyard/testing';
import { readTaskStatus } from '../status/task-status-reader.js';
import { setupQueue } from '../worker.test-support.js';

describe('Task.metadata and Task.status through the TaskProducer, on a real broker', () => {
  it('carries updatedAt, createdBy and tags in sy-* headers and the queued status; refuses a status that is not queued', async () => {
    const q = await setupQueue({}, 1);
    const lane = await collectTopics(q.client, [laneTopic(q.name, 'normal')]);
    const metadata = { createdAt: '2026-12-06T08:00:00.000Z', updatedAt: '2026-12-06T09:00:00.000Z', createdBy: 'crm', tags: ['vip', 'a,b'] };
    await q.producer.enqueue({ id: 'm1', type: 'sync', queue: q.name, payload: {}, metadata });
    await vi.waitFor(() => expect(lane.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    const headers = Object.fromEntries(Object.entries(lane.records[0]!.headers).map(([k, v]) => [k, v.toString()]));
    expect(headers).toMatchObject({ [TASK_HEADERS.createdAt]: metadata.createdAt, [TASK_HEADERS.updatedAt]: metadata.updatedAt, [TASK_HEADERS.createdBy]: 'crm', [TASK_HEADERS.tags]: '["vip","a,b"]' });
    expect(await readTaskStatus(q.client, q.name, 'm1')).toMatchObject({ status: 'queued', metadata });
    await expect(q.producer.enqueue({ id: 'm2', type: 'sync', queue: q.name, payload: {}, status: 'completed' })).rejects.toMatchObject({
      code: 'SY_INVALID_TASK',
      message: expect.stringContaining('status "completed" cannot be enqueued'),
    });
  });
});
