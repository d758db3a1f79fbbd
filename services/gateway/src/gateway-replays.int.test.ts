import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanTopics, type KafkaClient } from '@switchyard/kafka';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

const RECORDS = 300;
let replayGroups: (groups: readonly string[]) => void;

/** A 3-partition source with RECORDS records (v0..v299) and empty targets; the replay groups of `replayGroups` are deleted after the test. */
async function topics(client: KafkaClient, ...targets: string[]): Promise<string> {
  const admin = await testAdmin(client);
  replayGroups = (groups) => admin.deleteGroupsAfterTest(groups);
  const src = uniqueName('gw-replay-src');
  admin.deleteAfterTest([src, ...targets]);
  await admin.createTopics([src, ...targets].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1, configs: {} })));
  const producer = client.producer();
  await producer.connect();
  await producer.send([{ topic: src, records: Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })) }]);
  await producer.disconnect();
  return src;
}

async function valuesOf(client: KafkaClient, topic: string): Promise<string[]> {
  const values: string[] = [];
  await scanTopics(client, [topic], (record) => void values.push(record.value?.toString() ?? ''));
  return values.sort();
}

const expected = Array.from({ length: RECORDS }, (_, i) => `v${i}`).sort();

/** Polls the job until it is in one of `states`; returns its last view. */
async function until(id: string, states: readonly string[], timeout = 60_000) {
  return vi.waitFor(
    async () => {
      const { body } = await gw.call('GET', `/replays/${id}`, { key: gw.adminKey });
      expect(states).toContain(body.data.state);
      return body.data;
    },
    { timeout, interval: 250 },
  );
}

describe('gateway: replays as pollable jobs (admin, through the ops engine)', () => {
  it('copies a few hundred records into another topic exactly once; the job is polled until completed', async () => {
    const client = testClient();
    const dst = uniqueName('gw-replay-dst');
    const src = await topics(client, dst);

    const started = await gw.call('POST', '/replays', { key: gw.adminKey, body: { topic: src, partitions: [0, 1, 2].map((partition) => ({ partition, fromOffset: '0' })), toTopic: dst } });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/api/v1/replays/${started.body.data.id}`);
    expect(started.body.data).toMatchObject({ topic: src, toTopic: dst, dryRun: false, resumed: false, progress: { total: RECORDS } });
    expect(['queued', 'running']).toContain(started.body.data.state);
    replayGroups([started.body.data.group]);

    const done = await until(started.body.data.id, ['completed', 'failed', 'cancelled']);
    expect(done).toMatchObject({ state: 'completed', error: null, progress: { total: RECORDS, read: RECORDS, matched: RECORDS, written: RECORDS, percent: 100 } });
    expect(done.progress.partitions.map((p: { partition: number; written: number }) => [p.partition, p.written])).toEqual([[0, 100], [1, 100], [2, 100]]);
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));
    expect(await valuesOf(client, dst)).toEqual(expected);

    // Listed (newest first); a finished job cannot be cancelled; an unknown id is 404 SY_UNKNOWN_JOB.
    expect((await gw.call('GET', '/replays', { key: gw.adminKey })).body.data.map((j: { id: string }) => j.id)).toContain(done.id);
    expect((await gw.call('DELETE', `/replays/${done.id}`, { key: gw.adminKey })).body).toMatchObject({ code: 'SY_OPERATION_REFUSED' });
    for (const method of ['GET', 'DELETE']) {
      expect(await gw.call(method, '/replays/no-such-job', { key: gw.adminKey })).toMatchObject({ status: 404, body: { code: 'SY_UNKNOWN_JOB', field: 'params.id' } });
    }
  });

  it('cancels a running job after its transaction in flight; the same body resumes it to exactly the records', async () => {
    const client = testClient();
    const dst = uniqueName('gw-replay-dst');
    const src = await topics(client, dst);
    const body = { topic: src, from: new Date(Date.now() - 3_600_000).toISOString(), toTopic: dst };

    // 20 records/s: the job runs for about 15 s unless cancelled.
    const slow = await gw.call('POST', '/replays', { key: gw.adminKey, body: { ...body, rate: 20 } });
    expect(slow.status).toBe(202);
    replayGroups([slow.body.data.group]);
    const twin = await gw.call('POST', '/replays', { key: gw.adminKey, body });
    expect(twin).toMatchObject({ status: 409, body: { code: 'SY_OPERATION_REFUSED', field: 'id' } });
    await vi.waitFor(async () => expect((await until(slow.body.data.id, ['running'])).progress.written).toBeGreaterThan(0), { timeout: 30_000, interval: 250 });
    const cancelling = await gw.call('DELETE', `/replays/${slow.body.data.id}`, { key: gw.adminKey });
    expect(cancelling.status).toBe(200);
    const cancelled = await until(slow.body.data.id, ['cancelled', 'completed', 'failed']);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.progress.written).toBeLessThan(RECORDS);
    expect(cancelled.progress.percent).toBeLessThan(100);
    // What the cancelled run committed is in the target, nothing more.
    expect((await valuesOf(client, dst)).length).toBe(cancelled.progress.written);

    const resumed = await gw.call('POST', '/replays', { key: gw.adminKey, body });
    expect(resumed.body.data).toMatchObject({ replayId: slow.body.data.replayId, resumed: true });
    const done = await until(resumed.body.data.id, ['completed', 'failed', 'cancelled']);
    expect(done).toMatchObject({ state: 'completed', progress: { written: RECORDS - cancelled.progress.written } });
    expect(await valuesOf(client, dst)).toEqual(expected);
  });

  it('refuses bad bodies naming the field, and credentials without admin', async () => {
    const client = testClient();
    const src = await topics(client);
    const tenantKey = await gw.key('acme', ['tasks:read', 'tasks:write', 'events:read', 'events:write']);
    const tenantAdmin = await gw.key('acme', ['admin']);
    for (const key of [tenantKey, tenantAdmin]) {
      for (const [method, path, body] of [['POST', '/replays', { topic: src, from: '1h' }], ['GET', '/replays', undefined], ['GET', '/replays/x', undefined], ['DELETE', '/replays/x', undefined]] as const) {
        expect({ method, path, ...(await gw.call(method, path, { key, ...(body ? { body } : {}) })).body }).toMatchObject({ method, path, code: 'SY_FORBIDDEN' });
      }
    }
    for (const [body, field, code] of [
      [{ topic: src }, 'from', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', partitions: [{ partition: 0, fromOffset: '0' }] }, 'from', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: 'last tuesday' }, 'from', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, partitions: [{ partition: 0, fromOffset: '5', toOffset: '1' }] }, 'partitions[0].toOffset', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, partitions: [{ partition: 7, fromOffset: '0' }] }, 'partitions', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, partitions: [{ partition: 0, fromOffset: -1 }] }, 'partitions[0].fromOffset', 'SY_INVALID_ARGUMENT'],
      [{ topic: uniqueName('no-such-topic'), from: '1h' }, 'topic', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', toTopic: uniqueName('no-such-topic') }, 'toTopic', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', handlers: ['a'] }, 'handlers', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', rate: 0 }, 'rate', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', where: { 'order.status': 1 } }, 'where.order.status', 'SY_INVALID_ARGUMENT'],
      [{ topic: src, from: '1h', colour: 'red' }, 'body', 'SY_INVALID_ARGUMENT'],
    ] as const) {
      const { status, body: error } = await gw.call('POST', '/replays', { key: gw.adminKey, body });
      expect({ body, status, code: error.code, field: error.field }).toEqual({ body, status: 400, code, field });
    }
    // A range with no records is 404 SY_NOTHING_MATCHED, before any job exists.
    expect((await gw.call('POST', '/replays', { key: gw.adminKey, body: { topic: src, from: new Date(Date.now() + 3_600_000).toISOString() } })).body).toMatchObject({ code: 'SY_NOTHING_MATCHED' });
  });
});
