import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

describe('gateway: consumer-group offsets (admin, through the ops engine)', () => {
  it("reads a group's lag, dry-runs and applies a reset while it is stopped, and refuses one while it has a member", async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const topic = uniqueName('gw-offsets');
    const group = uniqueName('gw-offsets-group');
    admin.deleteAfterTest([topic]);
    admin.deleteGroupsAfterTest([group]);
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1, configs: {} }]);
    const producer = client.producer();
    await producer.connect();
    await producer.send([{ topic, records: [0, 1].flatMap((partition) => Array.from({ length: 10 }, (_, i) => ({ partition, value: `v${i}` }))) }]);
    await producer.disconnect();
    // The group's committed offsets: 4 on partition 0, none on partition 1.
    await admin.setGroupOffsets(group, topic, [{ partition: 0, offset: '4' }]);

    const read = await gw.call('GET', `/offsets/${group}?topic=${topic}`, { key: gw.adminKey });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({
      group,
      partitions: [
        { topic, partition: 0, committed: '4', low: '0', high: '10', lag: '6' },
        { topic, partition: 1, committed: null, low: '0', high: '10', lag: '10' },
      ],
    });
    // Without topics: the ones the group committed on.
    expect((await gw.call('GET', `/offsets/${group}`, { key: gw.adminKey })).body.data.partitions).toHaveLength(2);

    const reset = (body: unknown, key = gw.adminKey) => gw.call('POST', `/offsets/${group}/reset`, { key, body });
    const dry = await reset({ topics: [topic], shiftBy: '-2', dryRun: true });
    expect(dry.body.data).toEqual({ group, dryRun: true, partitions: [{ topic, partition: 0, current: '4', new: '2' }, { topic, partition: 1, current: null, new: '0' }] });
    expect((await admin.groupOffsets(group, [topic])).find((o) => o.partition === 0)?.offset).toBe('4');

    const applied = await reset({ topics: [topic], toLatest: true });
    expect(applied.body.data).toEqual({ group, dryRun: false, partitions: [{ topic, partition: 0, current: '4', new: '10' }, { topic, partition: 1, current: null, new: '10' }] });
    expect((await gw.call('GET', `/offsets/${group}?topic=${topic}`, { key: gw.adminKey })).body.data.partitions.map((p: { lag: string }) => p.lag)).toEqual(['0', '0']);

    // Bad input names the field; a non-admin credential is refused.
    const tenantKey = await gw.key('acme', ['tasks:read', 'tasks:write']);
    expect((await gw.call('GET', `/offsets/${group}`, { key: tenantKey })).status).toBe(403);
    expect((await reset({ topics: [topic], toEarliest: true }, tenantKey)).status).toBe(403);
    for (const [body, field] of [
      [{ topics: [topic] }, 'toEarliest'],
      [{ topics: [topic], toEarliest: true, toLatest: true }, 'toLatest'],
      [{ topics: [], toEarliest: true }, 'topics'],
      [{ topics: [topic], shiftBy: 'back' }, 'shiftBy'],
      [{ topics: [topic], toDatetime: 'noon' }, 'toDatetime'],
      [{ topics: [uniqueName('no-such-topic')], toEarliest: true }, 'topics'],
    ] as const) {
      const { status, body: error } = await reset(body);
      expect({ body, status, code: error.code, field: error.field }).toEqual({ body, status: 400, code: 'SY_INVALID_ARGUMENT', field });
    }
    expect((await gw.call('GET', '/offsets/bad%20group', { key: gw.adminKey })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'params.group' });
    expect((await gw.call('GET', `/offsets/${group}?topic=${uniqueName('no-such-topic')}`, { key: gw.adminKey })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.topic', message: expect.stringMatching(/^query\.topic: unknown topic /) });

    // A live member: the reset (and its dry run) is refused and nothing moves.
    const consumer = client.consumer({ groupId: group, sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 });
    await consumer.connect();
    onTestFinished(() => consumer.disconnect());
    await consumer.subscribe([topic]);
    await consumer.run({ eachBatch: async () => undefined });
    await vi.waitFor(async () => expect((await admin.describeGroup(group)).members.length).toBeGreaterThan(0), { timeout: 30_000, interval: 250 });
    for (const dryRun of [false, true]) {
      const refused = await reset({ topics: [topic], toEarliest: true, dryRun });
      expect(refused).toMatchObject({ status: 409, body: { code: 'SY_OPERATION_REFUSED' } });
    }
    expect((await admin.groupOffsets(group, [topic])).map((o) => o.offset)).toEqual(['10', '10']);
  });
});
