import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Task } from '@switchyard/protocol';
import { encodeDeadLetter, encodeTaskEnvelope, ensureTopology, laneTopic, planQueueTopology, QUEUE_REGISTRY_TOPIC, taskDlqRedrivenTopic, taskDlqTopic, type IncomingRecord } from '@switchyard/kafka';
import { createWorker, TaskProducer, UnrecoverableError } from '@switchyard/worker';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { jsonOf, runCli } from '../cli-process.test-support.js';
import type { DlqEntryJson } from '@switchyard/ops';

const METADATA = { updatedAt: '2026-12-06T09:05:00.000Z', createdBy: 'billing-api', tags: ['invoice', 'eu-west'] };

/** A queue whose QueueConfig names its DLQ topic, with its topics and a worker whose handler always fails. */
async function queueWithNamedDlq() {
  const client = testClient();
  const admin = await testAdmin(client);
  const name = uniqueName('named').replace(/[^a-z0-9_-]/g, '');
  const config = { name, deadLetterQueue: `${name}-dead-letters` };
  // The registry topic is shared by every queue with a named DLQ: it stays.
  admin.deleteAfterTest([...planQueueTopology(config, { partitions: 2 }).map((s) => s.topic).filter((t) => t !== QUEUE_REGISTRY_TOPIC), taskDlqRedrivenTopic(name)]);
  await ensureTopology(admin, config, { partitions: 2 });
  const seen: Task['metadata'][] = [];
  const worker = createWorker(client, { config: { name: `w-${name}`, queues: [name], queueConfigs: [config] }, commitIntervalMs: 50 }, {
    bill: async (task) => {
      seen.push(task.metadata);
      throw new UnrecoverableError('the invoice service is down');
    },
  });
  onTestFinished(() => worker.close());
  const dlq = await collectTopics(client, [config.deadLetterQueue]);
  await worker.start();
  return { client, admin, name, dlqTopic: config.deadLetterQueue, worker, dlq, seen };
}

describe('a named DLQ (QueueConfig.deadLetterQueue) and task metadata, end to end', () => {
  it('dead-letters to the named topic, which `dlq list/show --queue` find; metadata reaches the handler, the status and the CLI', async () => {
    const q = await queueWithNamedDlq();
    const producer = new TaskProducer({ client: q.client, queues: [q.name] });
    onTestFinished(() => producer.disconnect());
    await producer.enqueue({ id: 'inv-1', type: 'bill', queue: q.name, payload: { amount: 12 }, metadata: METADATA }, { tenant: 'acme' });
    await vi.waitFor(() => expect(q.dlq.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    expect((await q.admin.listTopics()).includes(taskDlqTopic(q.name))).toBe(false);
    expect(q.seen).toEqual([expect.objectContaining(METADATA)]);
    await q.worker.close();

    const [list, show, status, topics] = await Promise.all([
      runCli(['--json', 'dlq', 'list', '--queue', q.name]),
      runCli(['dlq', 'show', '--queue', q.name, '--task', 'inv-1']),
      runCli(['--json', 'tasks', 'status', '--queue', q.name, '--id', 'inv-1']),
      runCli(['--json', 'topics', '--queue', q.name]),
    ]);
    expect(topics.code, topics.stderr).toBe(0);
    expect(jsonOf<{ topics: { topic: string }[] }[]>(topics)[0]!.topics.map((t) => t.topic)).toContain(q.dlqTopic);
    expect(list.code, list.stderr).toBe(0);
    const entries = jsonOf<DlqEntryJson[]>(list);
    expect(entries).toEqual([expect.objectContaining({ id: 'inv-1', topic: q.dlqTopic, taskType: 'bill', tenant: 'acme', metadata: expect.objectContaining(METADATA) })]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`entry\\s+${q.dlqTopic} `));
    expect(show.stdout).toMatch(/created by\s+billing-api/);
    expect(show.stdout).toMatch(/tags\s+invoice, eu-west/);
    expect(show.stdout).toMatch(/updated\s+2026-12-06T09:05:00.000Z/);
    expect(status.code, status.stderr).toBe(0);
    expect(jsonOf(status)).toMatchObject({ taskId: 'inv-1', status: 'dead', metadata: expect.objectContaining(METADATA) });

    // Another queue dead-letters into the same topic: this queue's commands see only their own
    // entry, redrive sends only that one back to this queue's lane, and purge refuses.
    const foreign = encodeTaskEnvelope({ taskId: 'other-1', type: 'bill', queue: 'other', priority: 'normal', attempt: 1, createdAt: METADATA.updatedAt, payload: {} });
    const source: IncomingRecord = { topic: laneTopic('other', 'normal'), partition: 0, offset: '7', key: null, value: Buffer.from(String(foreign.value)), headers: Object.fromEntries(Object.entries(foreign.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])), timestamp: String(Date.now()) };
    const now = new Date().toISOString();
    const raw = q.client.producer();
    await raw.connect();
    await raw.send([{ topic: q.dlqTopic, records: [encodeDeadLetter(source, { code: 'SY_TASK_FAILED', error: { message: 'other queue' }, origin: { topic: source.topic, partition: 0, offset: '7' }, attempts: 1, firstFailedAt: now, lastFailedAt: now, deadAt: now })] }]);
    await raw.disconnect();
    await vi.waitFor(() => expect(q.dlq.records).toHaveLength(2), { timeout: 30_000, interval: 100 });
    const lane = await collectTopics(q.client, [laneTopic(q.name, 'normal')]);
    const [listAgain, purge] = await Promise.all([runCli(['--json', 'dlq', 'list', '--queue', q.name]), runCli(['dlq', 'purge', '--queue', q.name, '--yes'])]);
    expect(jsonOf<DlqEntryJson[]>(listAgain).map((e) => e.id)).toEqual(['inv-1']);
    expect(purge.code).toBe(4);
    expect(purge.stderr).toContain('also holds 1 dead letter(s) of other queues');
    const redrive = await runCli(['--json', 'dlq', 'redrive', '--queue', q.name, '--yes']);
    expect(redrive.code, redrive.stderr).toBe(0);
    // The lane holds the original enqueue and, after the redrive, the copy from the named DLQ.
    const redriven = () => lane.records.filter((r) => r.headers['sy-origin']?.toString().startsWith(`${q.dlqTopic}/`));
    await vi.waitFor(() => expect(redriven().map((r) => [r.headers['sy-task-id']?.toString(), r.headers['sy-created-by']?.toString()])).toEqual([['inv-1', 'billing-api']]), { timeout: 30_000, interval: 100 });
    expect(lane.records).toHaveLength(2);
  });

  it('refuses a deadLetterQueue that is not a Kafka topic name, naming the field', () => {
    expect(() => createWorker(testClient(), { config: { name: 'w', queues: ['q'], queueConfigs: [{ name: 'q', deadLetterQueue: 'dead letters' }] } }, {})).toThrow(
      /QueueConfig\.deadLetterQueue of queue "q": "dead letters" is not a valid Kafka topic name/,
    );
  });
});
