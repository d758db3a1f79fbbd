import { describe, expect, it } from 'vitest';
import { laneTopic } from '@switchyard/kafka';
import { freshQueue, jsonOf, runCli } from '../cli-process.test-support.js';

describe('switchyard tasks (subprocess, real broker)', () => {
  it('enqueues a task and reads back its queued status; refuses a bad payload with exit 2', async () => {
    const q = await freshQueue();
    const [enqueued, badPayload, unknownQueue] = await Promise.all([
      runCli(['--json', 'tasks', 'enqueue', '--queue', q.name, '--type', 'send_email', '--payload', '{"to":"a@b.c"}', '--priority', 'high', '--tenant', 'acme', '--id', 'task-1', '--created-by', 'ops', '--tag', 'vip', '--tag', 'eu']),
      runCli(['tasks', 'enqueue', '--queue', q.name, '--type', 'send_email', '--payload', '{nope']),
      runCli(['tasks', 'enqueue', '--queue', `${q.name}-nope`, '--type', 'send_email']),
    ]);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(jsonOf(enqueued)).toMatchObject({ taskId: 'task-1', queue: q.name, topic: laneTopic(q.name, 'high') });
    expect(badPayload.code).toBe(2);
    expect(badPayload.stderr).toContain('--payload');
    expect(unknownQueue.code).toBe(2);

    const [status, missing] = await Promise.all([
      runCli(['--json', 'tasks', 'status', '--queue', q.name, '--id', 'task-1']),
      runCli(['tasks', 'status', '--queue', q.name, '--id', 'no-such-task']),
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(jsonOf(status)).toMatchObject({ taskId: 'task-1', queue: q.name, type: 'send_email', tenant: 'acme', status: 'queued', attempt: 0, metadata: { createdBy: 'ops', tags: ['vip', 'eu'] } });
    expect(missing.code).toBe(3);
  });
});
