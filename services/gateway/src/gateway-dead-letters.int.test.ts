import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { eventDlqTopic, workerGroup } from '@switchyard/kafka';
import { deadEventRecord, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { createWorker, UnrecoverableError } from '@switchyard/worker';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

describe('gateway: dead letters (through the ops engine)', () => {
  it("lists a queue's pending dead letters per tenant, with cursor pagination; another tenant sees none of them", async () => {
    const [acme, globex] = await Promise.all([gw.key('acme', ['tasks:write', 'tasks:read']), gw.key('globex', ['tasks:write', 'tasks:read'])]);
    const created: string[] = [];
    for (const [key, n] of [[acme, 3], [globex, 1]] as const) {
      const { body } = await gw.call('POST', '/data/tasks/batch', { key, body: { items: Array.from({ length: n }, (_, i) => ({ type: 'send_email', payload: { to: `u${i}@example.com`, subject: 'dead' } })) } });
      created.push(...body.data.map((r: { id: string }) => r.id));
    }
    const client = testClient();
    const name = uniqueName('gw-dlq-worker');
    const worker = createWorker(client, { config: { name, queues: [gw.queue] } }, { send_email: async () => { throw new UnrecoverableError('always dead'); } });
    onTestFinished(async () => {
      await worker.close();
      const admin = client.admin();
      await admin.connect();
      await admin.deleteGroups([workerGroup(name)]).finally(() => admin.disconnect());
    });
    await worker.start();

    // All four die at once (no retries); poll the admin view until it holds them.
    await vi.waitFor(async () => expect((await gw.call('GET', '/data/dead-letters', { key: gw.adminKey })).body.pagination.total).toBe(4), { timeout: 60_000, interval: 500 });

    const first = await gw.call('GET', '/data/dead-letters?limit=2', { key: acme });
    expect(first.status).toBe(200);
    expect(first.body.pagination).toEqual({ limit: 2, cursor: null, nextCursor: '2', total: 3 });
    const second = await gw.call('GET', `/data/dead-letters?limit=2&cursor=${first.body.pagination.nextCursor}`, { key: acme });
    expect(second.body.pagination).toEqual({ limit: 2, cursor: '2', nextCursor: null, total: 3 });
    const acmeEntries = [...first.body.data, ...second.body.data];
    expect(acmeEntries.map((e: { tenant: string; state: string }) => [e.tenant, e.state])).toEqual([['acme', 'dead'], ['acme', 'dead'], ['acme', 'dead']]);
    expect(new Set(acmeEntries.map((e: { taskId?: string; id?: string }) => e.taskId ?? e.id))).toEqual(new Set(created.slice(0, 3)));

    const theirs = await gw.call('GET', '/data/dead-letters', { key: globex });
    expect(theirs.body.data.map((e: { tenant: string }) => e.tenant)).toEqual(['globex']);
    expect(JSON.stringify(theirs.body)).not.toContain('acme');
    expect((await gw.call('GET', '/data/dead-letters?tenant=acme', { key: globex })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.tenant' });
    expect((await gw.call('GET', '/data/dead-letters?tenant=globex', { key: gw.adminKey })).body.pagination.total).toBe(1);
    expect((await gw.call('GET', '/data/dead-letters?limit=0', { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.limit' });
  });

  it("lists an event-bus subscription's dead events (every domain, or one) per tenant; a source must be one of queue and subscription", async () => {
    const client = testClient();
    const admin = await testAdmin(client);
    const [domainA, domainB] = [uniqueName('gda'), uniqueName('gdb')].map((n) => n.replace(/-/g, '_')) as [string, string];
    const subscription = uniqueName('gw-sub');
    const [dlqA, dlqB] = [eventDlqTopic(domainA, subscription), eventDlqTopic(domainB, subscription)];
    admin.deleteAfterTest([dlqA, dlqB]);
    await admin.createTopics([dlqA, dlqB].map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1, configs: {} })));
    const dead = (name: string, tenant: string) => ({ id: randomUUID(), name, tenant, handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED' });
    const events = { a1: dead(`${domainA}.created`, 'acme'), a2: dead(`${domainA}.created`, 'globex'), b1: dead(`${domainB}.paid`, 'acme') };
    const producer = client.producer();
    await producer.connect();
    await producer.send([
      { topic: dlqA, records: [deadEventRecord(events.a1, 1), deadEventRecord(events.a2, 2)] },
      { topic: dlqB, records: [deadEventRecord(events.b1, 1)] },
    ]);
    await producer.disconnect();
    const [acme, globex] = await Promise.all([gw.key('acme', ['tasks:read']), gw.key('globex', ['tasks:read'])]);
    const ids = (body: { data: { eventId?: string; id?: string }[] }) => body.data.map((e) => e.eventId ?? e.id).sort();

    const all = await gw.call('GET', `/data/dead-letters?subscription=${subscription}`, { key: gw.adminKey });
    expect(all.status).toBe(200);
    expect(all.body.pagination.total).toBe(3);
    expect(ids(all.body)).toEqual([events.a1.id, events.a2.id, events.b1.id].sort());
    const mine = await gw.call('GET', `/data/dead-letters?subscription=${subscription}`, { key: acme });
    expect(ids(mine.body)).toEqual([events.a1.id, events.b1.id].sort());
    expect(mine.body.data.map((e: { tenant: string }) => e.tenant)).toEqual(['acme', 'acme']);
    expect(ids((await gw.call('GET', `/data/dead-letters?subscription=${subscription}&domain=${domainA}`, { key: globex })).body)).toEqual([events.a2.id]);
    expect(ids((await gw.call('GET', `/data/dead-letters?subscription=${subscription}&domain=${domainB}`, { key: globex })).body)).toEqual([]);

    expect((await gw.call('GET', `/data/dead-letters?queue=${gw.queue}&subscription=${subscription}`, { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.subscription' });
    expect((await gw.call('GET', `/data/dead-letters?domain=${domainA}`, { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.domain' });
    expect((await gw.call('GET', '/data/dead-letters?subscription=Not%20A%20Name', { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.subscription' });
  });
});
