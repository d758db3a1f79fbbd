import { describe, expect, it } from 'vitest';
import { createLogger, type IncomingRecord, type TaskEnvelope } from '@switchyard/kafka';
import { QueueConfigSchema } from '@switchyard/protocol';
import { OffsetTrackers, type PartitionOffsetTracker, type TransactionalCommitter } from '@switchyard/pipeline';
import { QueueRuntimeOptionsSchema } from '../worker.options.js';
import { PartitionHandOver } from './partition-hand-over.js';
import { QueueRuntime } from './queue-runtime.js';
import type { WorkItem } from './work-item.js';

const LANE = 'tasks.q.normal';
const key = (partition: number) => `${LANE}\u0000${partition}`;

/** The hand-over's decisions against in-memory parts: real trackers and buffers, a committer that records its calls. */
function setup(revokeTimeoutMs = 1_000) {
  const trackers = new OffsetTrackers();
  const q = new QueueRuntime(QueueConfigSchema.parse({ name: 'q' }), QueueRuntimeOptionsSchema.parse({}), () => undefined);
  const taken = new Map<Promise<void>, WorkItem>();
  const calls: string[] = [];
  const committer = {
    flush: async () => void calls.push(`flush (revoked: ${[0, 1].filter((p) => trackers.forPartition(LANE, p).revoked).join() || 'none'})`),
    prune: async () => 0,
  } as unknown as TransactionalCommitter;
  const handOver = new PartitionHandOver({ trackers, queues: new Map([['q', q]]), taken, committer: () => committer, revokeTimeoutMs, log: createLogger('hand-over-test', { level: 'silent' }) });
  const item = (partition: number, offset: number): WorkItem => {
    const tracker = trackers.forPartition(LANE, partition);
    tracker.track(String(offset));
    const record = { topic: LANE, partition, offset: String(offset) } as IncomingRecord;
    return { queue: 'q', lane: 'normal', record, envelope: { taskId: `p${partition}-${offset}` } as TaskEnvelope, tracker, fromRetry: false };
  };
  /** A taken item whose run ends when `finish` is called. */
  const take = (work: WorkItem) => {
    let finish!: () => void;
    const run = new Promise<void>((resolve) => (finish = resolve)).then(() => void calls.push(`finished ${work.envelope.taskId}`));
    taken.set(run, work);
    return finish;
  };
  return { trackers, q, calls, handOver, item, take };
}

describe('PartitionHandOver', () => {
  it('drops the buffered tasks of the revoked partitions only, waits for their taken tasks, commits, then revokes their trackers', async () => {
    const { q, calls, handOver, item, take, trackers } = setup();
    const buffered = [item(0, 5), item(1, 5)];
    for (const b of buffered) q.dispatcher.push('normal', b);
    const finish = take(item(0, 4));
    const other = take(item(1, 4));
    const tracker0 = trackers.forPartition(LANE, 0);
    const done = handOver.handOver(new Set([key(0)]));
    expect(q.dispatcher.size()).toBe(1);
    expect(q.dispatcher.next()?.envelope.taskId).toBe('p1-5');
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
    finish();
    await done;
    expect(calls).toEqual(['finished p0-4', 'flush (revoked: none)']);
    expect(tracker0.revoked).toBe(true);
    expect(trackers.forPartition(LANE, 1).revoked).toBe(false);
    other();
  });

  it('a task still running at revokeTimeoutMs: the commit goes on without it and its tracker is revoked (its outcome will be dropped)', async () => {
    const { calls, handOver, item, take, trackers } = setup(50);
    take(item(0, 4));
    const tracker0 = trackers.forPartition(LANE, 0);
    await handOver.handOver(new Set([key(0)]));
    expect(calls).toEqual(['flush (revoked: none)']);
    expect(tracker0.revoked).toBe(true);
  });

  it('an assignment during the hand-over (a client that does not await it) revokes its trackers at once; the hand-over leaves the new ones alone', async () => {
    const { handOver, item, take, trackers } = setup();
    const finish = take(item(0, 4));
    const old: PartitionOffsetTracker = trackers.forPartition(LANE, 0);
    const done = handOver.handOver(new Set([key(0)]));
    handOver.endUnderWay();
    expect(old.revoked).toBe(true);
    const fresh = trackers.forPartition(LANE, 0);
    expect(fresh).not.toBe(old);
    finish();
    await done;
    expect(fresh.revoked).toBe(false);
    expect(trackers.forPartition(LANE, 0)).toBe(fresh);
  });
});
