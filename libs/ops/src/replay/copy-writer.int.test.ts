import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { scanTopics, type IncomingRecord } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { CopyWriter } from './copy-writer.js';

describe('CopyWriter on a real broker', () => {
  it('writes a chunk of copies near the size cap to one partition without MESSAGE_TOO_LARGE (regression)', async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [source, target] = [uniqueName('replay-src'), uniqueName('replay-dst')];
    admin.deleteAfterTest([source, target]);
    await admin.createTopics([source, target].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1, configs: {} })));
    const producer = client.producer({ transactionalId: uniqueName('copy-writer') });
    await producer.connect();
    onTestFinished(() => producer.disconnect());
    const committed: [number, bigint, number][] = [];
    const failures: unknown[] = [];
    const writer = new CopyWriter({
      producer,
      topic: source,
      toTopic: target,
      group: uniqueName('replay-group'),
      onCommitted: (partition, position, written) => committed.push([partition, position, written]),
      onFailed: (error) => failures.push(error),
    });
    // A chunk is handed over once it passes 900 KiB: the record that passes it makes it ~1.8 MB.
    const records = Array.from({ length: 3 }, (_, i) => ({ key: 'tenant', value: Buffer.alloc(600_000, i), headers: { 'sy-n': String(i) } }));

    await writer.write({ partition: 0, records, bytes: 1_800_100, position: 3n });
    await vi.waitFor(() => expect([committed, failures]).toEqual([[[0, 3n, 3]], []]), { timeout: 30_000, interval: 50 });
    await writer.stop();

    const read: IncomingRecord[] = [];
    await scanTopics(client, [target], (record) => void read.push(record));
    expect(read.map((r) => r.headers['sy-n']?.toString())).toEqual(['0', '1', '2']);
  });
});
