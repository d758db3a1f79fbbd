import { describe, expect, it, onTestFinished } from 'vitest';
import { scanTopics, type IncomingRecord } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import type { DlqEntry } from './dlq-entry.js';
import { DlqWriter } from './dlq-writer.js';

describe('DlqWriter on a real broker', () => {
  it('redrives dead letters near the size cap in one chunk without MESSAGE_TOO_LARGE (regression)', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [target, markers] = [uniqueName('redrive-target'), uniqueName('redrive-markers')];
    admin.deleteAfterTest([target, markers]);
    await admin.createTopics([target, markers].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1, configs: {} })));
    const writer = await DlqWriter.open(client, uniqueName('dlq-writer'));
    onTestFinished(() => writer.close());
    // Each entry writes a ~600 KB copy and a marker; one chunk of 4 puts ~2.4 MB on one partition.
    const entries = Array.from({ length: 4 }, (_, i) => ({ id: `dead-${i}` }) as unknown as DlqEntry);

    const written = await writer.write(entries, {
      progress: { increment: () => undefined, stop: () => undefined },
      writesOf: (entry) => [
        { topic: target, records: [{ key: 'tenant', value: Buffer.alloc(600_000, 1), headers: { 'sy-task-id': entry.id! } }] },
        { topic: markers, records: [{ key: entry.id!, value: 'redriven' }] },
      ],
    });

    expect(written).toBe(4);
    const read: IncomingRecord[] = [];
    await scanTopics(client, [target, markers], (record) => void read.push(record));
    expect(read.filter((r) => r.topic === target).map((r) => r.headers['sy-task-id']?.toString())).toEqual(['dead-0', 'dead-1', 'dead-2', 'dead-3']);
    expect(read.filter((r) => r.topic === markers)).toHaveLength(4);
  });

  it('stops after the chunk in flight when its signal is aborted, and fails with SY_OPERATION_INTERRUPTED', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const target = uniqueName('interrupted-target');
    admin.deleteAfterTest([target]);
    await admin.createTopics([{ topic: target, numPartitions: 1, replicationFactor: 1, configs: {} }]);
    const writer = await DlqWriter.open(client, uniqueName('dlq-writer'));
    onTestFinished(() => writer.close());
    const entries = Array.from({ length: 450 }, (_, i) => ({ id: `dead-${i}` }) as unknown as DlqEntry);
    const writesOf = (entry: DlqEntry) => [{ topic: target, records: [{ key: 'tenant', value: entry.id! }] }];

    // Aborted while the first chunk (200 entries, the largest) commits: that chunk stays, no other starts.
    const controller = new AbortController();
    const stopped: number[] = [];
    const progress = { increment: (by: number) => void (stopped.push(by), controller.abort()), stop: () => void stopped.push(-1) };
    await expect(writer.write(entries, { progress, writesOf, signal: controller.signal })).rejects.toMatchObject({ code: 'SY_OPERATION_INTERRUPTED', message: expect.stringContaining('after 200 of 450') });
    expect(stopped).toEqual([200, -1]);
    // Aborted before it starts: nothing is written.
    await expect(writer.write(entries, { progress, writesOf, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'SY_OPERATION_INTERRUPTED', message: expect.stringContaining('after 0 of 450') });

    const read: IncomingRecord[] = [];
    await scanTopics(client, [target], (record) => void read.push(record));
    expect(read.map((r) => r.value?.toString())).toEqual(entries.slice(0, 200).map((e) => e.id));
  });
});
