import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decodeTaskStatus, laneTopic, taskDlqTopic, taskStatusTopic, type KafkaClient } from '@switchyard/kafka';
import { createWorker, TaskProducer, UnrecoverableError, type TaskHandlers, type Worker } from '@switchyard/worker';
import { collectTopics } from '@switchyard/testing';
import { freshQueue, jsonOf, runCli, startCli } from '../cli-process.test-support.js';
import type { DlqEntryJson } from '@switchyard/ops';

async function startWorker(client: KafkaClient, queue: string, handlers: TaskHandlers): Promise<Worker> {
  const worker = createWorker(client, { config: { name: `w-${queue}`, queues: [queue], queueConfigs: [{ name: queue }] }, commitIntervalMs: 50 }, handlers);
  onTestFinished(() => worker.close());
  await worker.start();
  return worker;
}

const BAD = ['bad-1', 'bad-2', 'bad-3'];
const OTHER = ['other-1', 'other-2'];

/**
 * A queue whose DLQ holds real dead letters: three `bad_job` tasks and two `other_job` tasks
 * that threw UnrecoverableError, and one garbage record (SY_UNDECODABLE_MESSAGE).
 */
async function queueWithDeadLetters() {
  const q = await freshQueue();
  const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
  const worker = await startWorker(q.client, q.name, {
    bad_job: async () => {
      throw new UnrecoverableError('bad_job is broken');
    },
    other_job: async () => {
      throw new UnrecoverableError('other_job is broken');
    },
  });
  const producer = new TaskProducer({ client: q.client, queues: [q.name] });
  onTestFinished(() => producer.disconnect());
  await producer.enqueueMany([
    ...BAD.map((id, i) => ({ task: { id, type: 'bad_job', queue: q.name, priority: i === 0 ? ('high' as const) : ('normal' as const), payload: { n: i } }, options: { tenant: 'acme' } })),
    ...OTHER.map((id) => ({ task: { id, type: 'other_job', queue: q.name, payload: {} }, options: { tenant: 'globex' } })),
  ]);
  const raw = q.client.producer();
  await raw.connect();
  await raw.send([{ topic: laneTopic(q.name, 'normal'), records: [{ key: 'acme', value: 'not json {' }] }]);
  await raw.disconnect();
  await vi.waitFor(() => expect(dlq.records).toHaveLength(6), { timeout: 30_000, interval: 100 });
  await worker.close();
  return q;
}

describe('switchyard dlq (subprocess, real broker)', () => {
  it('lists and shows dead letters with filters, and rejects bad flags with exit 2', async () => {
    const q = await queueWithDeadLetters();
    const [byType, all, show, badSince, unknownQueue] = await Promise.all([
      runCli(['--json', 'dlq', 'list', '--queue', q.name, '--type', 'bad_job']),
      runCli(['dlq', 'list', '--queue', q.name]),
      runCli(['--json', 'dlq', 'show', '--queue', q.name, '--task', 'other-2']),
      runCli(['dlq', 'list', '--queue', q.name, '--since', 'abc']),
      runCli(['dlq', 'list', '--queue', `${q.name}-nope`]),
    ]);
    expect(byType.code).toBe(0);
    const entries = jsonOf<DlqEntryJson[]>(byType);
    expect(entries.map((e) => e.id).sort()).toEqual(BAD);
    expect(entries[0]).toMatchObject({ code: 'SY_UNRECOVERABLE', retries: 1, failedHandler: 'bad_job', taskType: 'bad_job', tenant: 'acme', state: 'dead', error: { message: 'bad_job is broken' } });

    expect(all.code).toBe(0);
    expect(all.stdout).toContain('SY_UNDECODABLE_MESSAGE');
    expect(all.stdout).toContain('6 matching entries');

    expect(show.code).toBe(0);
    expect(jsonOf(show)).toMatchObject({ id: 'other-2', headers: { 'sy-task-type': 'other_job', 'sy-dlq-code': 'SY_UNRECOVERABLE' }, payload: { encoding: 'json', value: {} } });

    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since');
    expect(unknownQueue.code).toBe(2);
    expect(unknownQueue.stderr).toContain(q.name);

    const none = await runCli(['--json', 'dlq', 'list', '--queue', q.name, '--type', 'bad_job', '--tenant', 'globex']);
    expect(none.code).toBe(3);
    expect(jsonOf(none)).toEqual([]);
  });

  it('redrives exactly the filtered entries once, after refusing without --yes', async () => {
    const q = await queueWithDeadLetters();
    const lanes = await collectTopics(q.client, [laneTopic(q.name, 'normal'), laneTopic(q.name, 'high')]);
    const statuses = await collectTopics(q.client, [taskStatusTopic(q.name)]);
    await vi.waitFor(() => expect(lanes.records.length).toBe(6), { timeout: 10_000, interval: 100 });

    const refused = await runCli(['dlq', 'redrive', '--queue', q.name, '--type', 'bad_job']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('--yes');

    const redrive = await runCli(['--json', 'dlq', 'redrive', '--queue', q.name, '--type', 'bad_job', '--yes', '--rate', '100']);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(jsonOf(redrive)).toMatchObject({ matched: 3, redriven: 3, skipped: 0, lanes: { [laneTopic(q.name, 'high')]: 1, [laneTopic(q.name, 'normal')]: 2 } });
    const back = await vi.waitFor(
      () => {
        const found = lanes.records.filter((r) => r.headers['sy-origin']?.toString().startsWith(`${taskDlqTopic(q.name)}/`));
        expect(found).toHaveLength(3);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(back.map((r) => r.headers['sy-task-id']?.toString()).sort()).toEqual(BAD);
    expect(back.every((r) => r.headers['sy-attempt']?.toString() === '0' && !r.headers['sy-dlq-code'])).toBe(true);

    const ran: string[] = [];
    await startWorker(q.client, q.name, { bad_job: async (task) => void ran.push(task.id), other_job: async () => undefined });
    await vi.waitFor(
      () => {
        const latest = new Map(statuses.records.map((r) => decodeTaskStatus(r)).filter((s) => s !== undefined).map((s) => [s.taskId, s.status]));
        expect(BAD.map((id) => latest.get(id))).toEqual(['completed', 'completed', 'completed']);
        expect(OTHER.map((id) => latest.get(id))).toEqual(['dead', 'dead']);
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(ran.sort()).toEqual(BAD);

    const [again, listed] = await Promise.all([
      runCli(['--json', 'dlq', 'redrive', '--queue', q.name, '--type', 'bad_job', '--yes']),
      runCli(['--json', 'dlq', 'list', '--queue', q.name, '--all']),
    ]);
    expect(again.code).toBe(3);
    expect(jsonOf(again)).toMatchObject({ matched: 3, redriven: 0, skippedReasons: { alreadyRedrivenOrPurged: 3 } });
    expect(jsonOf<DlqEntryJson[]>(listed).filter((e) => e.state === 'redriven').map((e) => e.id).sort()).toEqual(BAD);

    const purge = await runCli(['--json', 'dlq', 'purge', '--queue', q.name, '--yes']);
    expect(purge.code, purge.stderr).toBe(0);
    expect(jsonOf(purge)).toEqual({ queue: q.name, purged: 3 });
    expect((await runCli(['dlq', 'list', '--queue', q.name])).code).toBe(3);
    // Purge really deletes: the DLQ's log start moved up to its end (nothing left, even with --all).
    const offsets = await q.admin.topicOffsets(taskDlqTopic(q.name));
    expect(offsets.every((o) => o.low === o.high)).toBe(true);
    expect((await runCli(['dlq', 'list', '--queue', q.name, '--all'])).code).toBe(3);
  });

  it('stops a redrive on SIGINT after the chunk in flight (exit 130), and a rerun redrives the rest exactly once', async () => {
    const q = await freshQueue();
    const ids = Array.from({ length: 20 }, (_, i) => `dead-${i}`);
    const dlq = await collectTopics(q.client, [taskDlqTopic(q.name)]);
    const worker = await startWorker(q.client, q.name, { bad_job: async () => { throw new UnrecoverableError('bad_job is broken'); } });
    const producer = new TaskProducer({ client: q.client, queues: [q.name] });
    onTestFinished(() => producer.disconnect());
    await producer.enqueueMany(ids.map((id) => ({ task: { id, type: 'bad_job', queue: q.name, payload: {} }, options: { tenant: 'acme' } })));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(20), { timeout: 30_000, interval: 100 });
    await worker.close();
    const lanes = await collectTopics(q.client, [laneTopic(q.name, 'normal')]);
    const redriven = () => lanes.records.filter((r) => r.headers['sy-origin']?.toString().startsWith(`${taskDlqTopic(q.name)}/`)).map((r) => r.headers['sy-task-id']?.toString());

    // --rate 1: one entry per chunk, a chunk a second, so 20 entries take 19 s at least.
    const first = startCli(['--json', 'dlq', 'redrive', '--queue', q.name, '--yes', '--rate', '1']);
    await vi.waitFor(() => expect(redriven().length).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('SY_OPERATION_INTERRUPTED');
    const done = Number(/Interrupted after (\d+) of 20 entries/.exec(interrupted.stderr)?.[1]);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(20);

    const rest = await runCli(['--json', 'dlq', 'redrive', '--queue', q.name, '--yes']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(jsonOf(rest)).toMatchObject({ matched: 20, redriven: 20 - done, skippedReasons: { alreadyRedrivenOrPurged: done } });
    await vi.waitFor(() => expect(redriven()).toHaveLength(20), { timeout: 10_000, interval: 100 });
    expect(redriven().sort()).toEqual([...ids].sort());
  });
});
