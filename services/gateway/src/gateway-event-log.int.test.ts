import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createEventBus } from '@switchyard/events';
import { createLogger, subscriptionGroup } from '@switchyard/kafka';
import { testClient, uniqueName } from '@switchyard/testing';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw?.close());

describe('gateway: the event log over HTTP (GET /data/events/:id, GET /data/events?correlationId=)', () => {
  it('reads which subscription handled an event and lists a causal chain, per tenant; another tenant gets 404 and nothing listed', async () => {
    const all = ['events:write', 'events:read'] as const;
    const [acme, globex, writeOnly] = await Promise.all([gw.key('acme', all), gw.key('globex', all), gw.key('acme', ['events:write'])]);
    const client = testClient();
    const sub = uniqueName('gwlog').replace(/[^a-z0-9_-]/g, '');
    const bus = createEventBus({}, { client, topology: { partitions: 1 }, log: createLogger('gw-log-test', { level: process.env.LOG_LEVEL ?? 'error' }) });
    // The handler says what reached it, so waiting for the subscription costs no scan of the event log.
    const handled = new Set<string>();
    bus.subscribe([{ id: 'greeter', eventName: `${gw.eventName.split('.')[0]}.*`, handler: async (e) => void handled.add(e.id!) }], sub);
    onTestFinished(async () => {
      await bus.close();
      const admin = testClient().admin();
      await admin.connect();
      try {
        await admin.deleteGroups([subscriptionGroup(sub)]);
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`switchyard.subscription.${sub}.`));
        if (topics.length > 0) await admin.deleteTopics(topics);
      } finally {
        await admin.disconnect();
      }
    });
    await bus.start();

    // The member is in a stable group before anything is published (it starts reading at the log end).
    await vi.waitFor(async () => expect((await gw.call('GET', `/data/subscriptions/${sub}`, { key: gw.adminKey })).body.data).toMatchObject({ group: { state: 'Stable', members: 1 } }), { timeout: 60_000, interval: 250 });
    const chain = uniqueName('chain');
    const publish = async (key: string, correlationId: string) => {
      const { status, body } = await gw.call('POST', '/data/events', { key, body: { name: gw.eventName, payload: { greeting: 'hi' }, metadata: { correlationId } } });
      expect(status, JSON.stringify(body)).toBe(201);
      return body.data.id as string;
    };
    // Its first fetch position is read just after the join: publish until one event reaches the handler.
    const first = await vi.waitFor(async () => {
      const id = await publish(acme, `${chain}-warmup`);
      await vi.waitFor(() => expect(handled.has(id)).toBe(true), { timeout: 5_000, interval: 50 });
      return id;
    }, { timeout: 60_000, interval: 0 });
    const [a1, a2, g1] = [await publish(acme, chain), await publish(acme, chain), await publish(globex, chain)];
    await vi.waitFor(() => expect([a1, a2, g1].filter((id) => !handled.has(id))).toEqual([]), { timeout: 30_000, interval: 50 });

    await vi.waitFor(async () => {
      const read = await gw.call('GET', `/data/events/${a1}`, { key: acme });
      expect(read.status).toBe(200);
      expect(read.body.data.id).toBe(a1);
      expect(read.body.data.log).toHaveLength(1);
      expect(read.body.data.log[0]).toMatchObject({ subscription: sub, status: 'completed', event: { id: a1, name: gw.eventName } });
    }, { timeout: 30_000, interval: 250 });
    await vi.waitFor(async () => expect((await gw.call('GET', `/data/events/${g1}`, { key: globex })).status).toBe(200), { timeout: 30_000, interval: 250 });

    // The chain, as each tenant sees it: its own events only.
    const mine = await gw.call('GET', `/data/events?correlationId=${chain}`, { key: acme });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((e: { event: { id: string } }) => e.event.id).sort()).toEqual([a1, a2].sort());
    expect(mine.body.pagination).toMatchObject({ total: 2, nextCursor: null });
    const paged = await gw.call('GET', `/data/events?correlationId=${chain}&limit=1`, { key: acme });
    expect(paged.body.pagination).toMatchObject({ limit: 1, nextCursor: '1', total: 2 });
    expect((await gw.call('GET', `/data/events?correlationId=${chain}`, { key: globex })).body.data.map((e: { event: { id: string } }) => e.event.id)).toEqual([g1]);
    expect((await gw.call('GET', `/data/events?correlationId=${chain}`, { key: gw.adminKey })).body.pagination.total).toBe(3);
    expect((await gw.call('GET', `/data/events?subscription=${sub}&correlationId=${chain}&tenant=globex`, { key: gw.adminKey })).body.pagination.total).toBe(1);

    // Another tenant's event answers like an unknown id; filters and scopes are checked.
    expect((await gw.call('GET', `/data/events/${a1}`, { key: globex })).status).toBe(404);
    expect((await gw.call('GET', `/data/events/${first}`, { key: globex })).status).toBe(404);
    expect((await gw.call('GET', '/data/events/no-such-event', { key: acme })).status).toBe(404);
    expect((await gw.call('GET', '/data/events', { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.correlationId' });
    expect((await gw.call('GET', `/data/events?correlationId=${chain}&tenant=globex`, { key: acme })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.tenant' });
    expect((await gw.call('GET', `/data/events/${a1}`, { key: writeOnly })).status).toBe(403);
    expect((await gw.call('GET', `/data/events/${a1}`)).status).toBe(401);
  });
});
