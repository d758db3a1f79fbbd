import { describe, expect, it } from 'vitest';
import { planQueueTopology } from '@switchyard/kafka';
import { freshQueue, jsonOf, runCli } from '../cli-process.test-support.js';
import type { QueueReport } from '@switchyard/ops';

describe('switchyard topics (subprocess, real broker)', () => {
  it("lists the queue's 14 topics with partitions, settings and record counts", async () => {
    const q = await freshQueue(3);
    const producer = q.client.producer();
    await producer.connect();
    await producer.send([{ topic: `tasks.${q.name}.dlq`, records: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }]);
    await producer.disconnect();

    const result = await runCli(['--json', 'topics', '--queue', q.name, '--group', `no-such-group-${q.name}`]);
    expect(result.code, result.stderr).toBe(0);
    const [report, ...others] = jsonOf<QueueReport[]>(result);
    expect(others).toEqual([]);
    expect(report?.queue).toBe(q.name);
    const expected = planQueueTopology({ name: q.name }, { partitions: 3 });
    expect(report?.topics.map((t) => t.topic).sort()).toEqual(expected.map((s) => s.topic).sort());
    expect(report?.topics).toHaveLength(14);
    expect(report?.topics.every((t) => t.partitions === 3 && t.replicationFactor >= 1 && t.lag === null)).toBe(true);
    expect(report?.topics.find((t) => t.kind === 'dlq')).toMatchObject({ records: 2, cleanupPolicy: 'delete' });
    expect(report?.topics.find((t) => t.kind === 'status')).toMatchObject({ cleanupPolicy: 'compact,delete' });
  });
});
