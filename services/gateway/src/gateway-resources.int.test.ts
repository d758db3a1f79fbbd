import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createEventBus } from '@switchyard/events';
import { createLogger, subscriptionGroup, workerGroup } from '@switchyard/kafka';
import { testClient, uniqueName } from '@switchyard/testing';
import { createWorker } from '@switchyard/worker';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;
let acme: string;
let globex: string;

const EMAIL = { type: 'send_email', payload: { to: 'ada@example.com', subject: 'hi' } };

beforeAll(async () => {
  gw = await startTestGateway();
  const all = ['tasks:write', 'tasks:read', 'events:write', 'events:read'] as const;
  [acme, globex] = await Promise.all([gw.key('acme', all), gw.key('globex', all)]);
});
afterAll(async () => gw?.close());

/** Deletes a worker's or subscription's consumer group (after it stopped). */
async function deleteGroup(group: string, topics: readonly string[] = []): Promise<void> {
  const admin = testClient().admin();
  await admin.connect();
  try {
    await admin.deleteGroups([group]);
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics(mine);
  } finally {
    await admin.disconnect();
  }
}

describe('gateway: tasks list and cancel (status view, cancel topic)', () => {
  it("lists a queue's tasks newest first, per tenant, with a keyset cursor; filters by status and type", async () => {
    const ids = async (key: string, n: number) => (await gw.call('POST', '/data/tasks/batch', { key, body: { items: Array.from({ length: n }, () => EMAIL) } })).body.data.map((r: { id: string }) => r.id) as string[];
    const mine = await ids(acme, 3);
    const theirs = await ids(globex, 1);
    const page1 = await gw.call('GET', '/data/tasks?limit=2', { key: acme });
    expect(page1.status).toBe(200);
    expect(page1.body.pagination).toMatchObject({ limit: 2, cursor: null, total: 3 });
    const page2 = await gw.call('GET', `/data/tasks?limit=2&cursor=${page1.body.pagination.nextCursor}`, { key: acme });
    expect(page2.body.pagination).toMatchObject({ nextCursor: null, total: 3 });
    const listed = [...page1.body.data, ...page2.body.data];
    expect(listed.map((t: { id: string }) => t.id).sort()).toEqual([...mine].sort());
    expect(listed.every((t: { tenant: string; status: string }) => t.tenant === 'acme' && t.status === 'queued')).toBe(true);
    const updated = listed.map((t: { updatedAt: string }) => t.updatedAt);
    expect([...updated].sort().reverse()).toEqual(updated);
    expect((await gw.call('GET', '/data/tasks', { key: globex })).body.data.map((t: { id: string }) => t.id)).toEqual(theirs);
    expect((await gw.call('GET', '/data/tasks', { key: gw.adminKey })).body.pagination.total).toBe(4);
    expect((await gw.call('GET', '/data/tasks?status=completed', { key: acme })).body.pagination.total).toBe(0);
    expect((await gw.call('GET', '/data/tasks?type=resize_image', { key: acme })).body.pagination.total).toBe(0);
    expect((await gw.call('GET', '/data/tasks?status=nope', { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.status' });
    expect((await gw.call('GET', '/data/tasks?cursor=bm9wZQ', { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.cursor' });
  });

  it('DELETE cancels a task of the tenant: a real worker skips it (status cancelled) and runs the others; finished tasks are 409, foreign ones 404', async () => {
    const created = (await gw.call('POST', '/data/tasks/batch', { key: acme, body: { items: [EMAIL, EMAIL] } })).body.data.map((r: { id: string }) => r.id) as string[];
    const [doomed, kept] = created as [string, string];
    expect((await gw.call('DELETE', `/data/tasks/${doomed}`, { key: globex })).status).toBe(404);
    const cancel = await gw.call('DELETE', `/data/tasks/${doomed}`, { key: acme });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data).toEqual({ id: doomed, queue: gw.queue, status: 'queued', cancelRequested: true });

    const ran: string[] = [];
    const client = testClient();
    const name = uniqueName('gw-cancel-worker');
    const worker = createWorker(client, { config: { name, queues: [gw.queue] } }, { send_email: async (task) => void ran.push(task.id) });
    onTestFinished(async () => {
      await worker.close();
      await deleteGroup(workerGroup(name));
    });
    await worker.start();
    await vi.waitFor(async () => {
      expect((await gw.call('GET', `/data/tasks/${doomed}`, { key: acme })).body.data.status).toBe('cancelled');
      expect((await gw.call('GET', `/data/tasks/${kept}`, { key: acme })).body.data.status).toBe('completed');
    }, { timeout: 60_000, interval: 300 });
    expect(ran).toContain(kept);
    expect(ran).not.toContain(doomed);
    expect((await gw.call('DELETE', `/data/tasks/${kept}`, { key: acme })).body).toMatchObject({ code: 'SY_OPERATION_REFUSED', field: 'params.id' });
    expect((await gw.call('DELETE', `/data/tasks/${kept}`, { key: acme })).status).toBe(409);
    expect((await gw.call('DELETE', '/data/tasks/no-such-task', { key: acme })).status).toBe(404);
  });
});

describe('gateway: event-types, queues, subscriptions (read-only)', () => {
  it('event-types: the registered types with their payload JSON Schema', async () => {
    const list = await gw.call('GET', '/data/event-types', { key: acme });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([{ name: gw.eventName, version: '1.0.0', description: null, payloadSchema: expect.objectContaining({ type: 'object', required: ['greeting'] }) }]);
    expect(list.body.pagination).toEqual({ limit: 50, cursor: null, nextCursor: null, total: 1 });
    const one = await gw.call('GET', `/data/event-types/${gw.eventName}`, { key: acme });
    expect(one.body.data.payloadSchema.properties.greeting).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect((await gw.call('GET', '/data/event-types/nope.nothing', { key: acme })).body).toMatchObject({ code: 'SY_NOTHING_MATCHED', field: 'params.id' });
  });

  it("queues: the cluster's queues with their topics from the ops topology report; admin without a tenant", async () => {
    const one = await gw.call('GET', `/data/queues/${gw.queue}`, { key: gw.adminKey });
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({ name: gw.queue, taskTypes: ['send_email', 'resize_image'] });
    const kinds = one.body.data.topics.map((t: { kind: string }) => t.kind);
    expect(kinds).toEqual(expect.arrayContaining(['lane', 'retry', 'dlq', 'status', 'cancel']));
    expect(one.body.data.topics.find((t: { kind: string }) => t.kind === 'status')).toMatchObject({ topic: `tasks.${gw.queue}.status`, partitions: 3, cleanupPolicy: expect.stringContaining('compact') });
    let cursor: string | null = null;
    const names: string[] = [];
    do {
      const page: { body: { data: { name: string }[]; pagination: { nextCursor: string | null } } } = await gw.call('GET', `/data/queues?limit=50${cursor ? `&cursor=${cursor}` : ''}`, { key: gw.adminKey });
      names.push(...page.body.data.map((q) => q.name));
      cursor = page.body.pagination.nextCursor;
    } while (cursor);
    expect(names).toContain(gw.queue);
    expect([...names].sort()).toEqual(names);
    expect((await gw.call('GET', '/data/queues/no-such-queue', { key: gw.adminKey })).status).toBe(404);
    const tenantAdmin = await gw.key('acme', ['admin']);
    expect((await gw.call('GET', '/data/queues', { key: tenantAdmin })).body).toMatchObject({ code: 'SY_FORBIDDEN' });
    expect((await gw.call('GET', `/data/queues/${gw.queue}`, { key: acme })).status).toBe(403);
  });

  it('subscriptions: a running subscription with its group and topics; admin without a tenant', async () => {
    const client = testClient();
    const sub = uniqueName('gwsub').replace(/[^a-z0-9_-]/g, '');
    const bus = createEventBus({}, { client, topology: { partitions: 1 }, log: createLogger('gw-sub-test', { level: process.env.LOG_LEVEL ?? 'error' }) });
    bus.subscribe([{ id: 'noop', eventName: `${gw.eventName.split('.')[0]}.*`, handler: async () => undefined }], sub);
    onTestFinished(async () => {
      await bus.close();
      const admin = testClient().admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`switchyard.subscription.${sub}.`));
      await admin.disconnect();
      await deleteGroup(subscriptionGroup(sub), topics);
    });
    await bus.start();
    await vi.waitFor(async () => {
      const one = await gw.call('GET', `/data/subscriptions/${sub}`, { key: gw.adminKey });
      expect(one.body.data).toMatchObject({ name: sub, group: { id: subscriptionGroup(sub), state: 'Stable' } });
      expect(one.body.data.group.members).toBeGreaterThanOrEqual(1);
      expect(one.body.data.topics).toContain(`switchyard.subscription.${sub}.replay`);
    }, { timeout: 30_000, interval: 300 });
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { name: string }[]; pagination: { nextCursor: string | null } } } = await gw.call('GET', `/data/subscriptions?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key: gw.adminKey });
      all.push(...page.body.data.map((s) => s.name));
      cursor = page.body.pagination.nextCursor;
    } while (cursor);
    expect(all).toContain(sub);
    expect((await gw.call('GET', '/data/subscriptions/no-such-sub', { key: gw.adminKey })).status).toBe(404);
    expect((await gw.call('GET', '/data/subscriptions', { key: acme })).status).toBe(403);
  });
});
