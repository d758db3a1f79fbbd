import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type ProducerPort } from '@switchyard/kafka';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { OffsetTrackers, type PartitionOffsetTracker } from '../offsets/offset-tracker.js';
import { TransactionalCommitter } from './transactional-committer.js';

const client = testClient('committer-test');
const log = createLogger('committer-test', { level: 'silent' });
let producer: ProducerPort | undefined;

afterEach(async () => {
  await producer?.disconnect();
  producer = undefined;
});

async function committerOn(output: string, trackers = new OffsetTrackers()): Promise<TransactionalCommitter> {
  const admin = await testAdmin(client);
  admin.deleteAfterTest([output]);
  await admin.createTopics([{ topic: output, numPartitions: 1, replicationFactor: 1, configs: {} }]);
  producer = client.producer({ transactionalId: `committer-test.${randomUUID()}` });
  await producer.connect();
  const group = uniqueName('committer-test');
  // No tracked offsets here: only the outcomes' records are written, so no group is involved.
  return new TransactionalCommitter({
    producer,
    consumer: { groupMetadata: () => ({ groupId: group, generationId: -1, memberId: '' }) },
    trackers,
    intervalMs: 60_000,
    log,
  });
}

const outcome = (output: string, id: string, tracker?: PartitionOffsetTracker) => ({
  records: [{ topic: output, record: { key: id, value: id } }],
  complete: () => undefined,
  ...(tracker ? { source: { topic: 'src', partition: 0 }, stale: () => tracker.revoked } : {}),
});

describe('TransactionalCommitter: outcomes of partitions that moved to another member', () => {
  it('drops the pending outcomes of revoked partitions unwritten and refuses new ones; keeps the owned and the unsourced', async () => {
    const output = uniqueName('committer-out');
    const trackers = new OffsetTrackers();
    const committer = await committerOn(output, trackers);
    const source = uniqueName('committer-src');
    const kept = committer.submit(outcome(output, 'owned-0', trackers.forPartition(source, 0)));
    const revokedTracker = trackers.forPartition(source, 1);
    const revoked = committer.submit(outcome(output, 'revoked-1', revokedTracker));
    const unsourced = committer.submit(outcome(output, 'no-source'));

    trackers.revoke(source, 1);
    expect(await committer.prune()).toBe(1);
    await expect(revoked).rejects.toMatchObject({ code: 'SY_PARTITION_REVOKED' });
    await expect(committer.submit(outcome(output, 'late-1', revokedTracker))).rejects.toMatchObject({ code: 'SY_PARTITION_REVOKED' });
    // The partition comes back to this member: a new tracker, whose outcomes are current again.
    const back = committer.submit(outcome(output, 'back-1', trackers.forPartition(source, 1)));
    expect(committer.pending).toBe(3);

    await committer.flush();
    await Promise.all([kept, unsourced, back]);
    const collected = await collectTopics(client, [output]);
    await vi.waitFor(() => expect(collected.records).toHaveLength(3), { timeout: 15_000, interval: 100 });
    expect(collected.records.map((r) => r.key?.toString()).sort()).toEqual(['back-1', 'no-source', 'owned-0']);
  });

  it('a flush drops outcomes that went stale while waiting, without a prune', async () => {
    const output = uniqueName('committer-out');
    const trackers = new OffsetTrackers();
    const committer = await committerOn(output, trackers);
    const stale = committer.submit(outcome(output, 'stale', trackers.forPartition('src', 0)));
    trackers.reset();
    await committer.flush();
    await expect(stale).rejects.toMatchObject({ code: 'SY_PARTITION_REVOKED' });
    expect(committer.pending).toBe(0);
  });
});
