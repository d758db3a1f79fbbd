import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { openSse, startStreamGateway, streamTopics, type SseClient, type StreamGateway, type StreamTopics } from './stream.test-support.js';

/**
 * GET /api/v1/stream (Server-Sent Events) with the real `eventsource` client on the real broker:
 * scoping (tenant and user matrix, zero leaks), order, resume with Last-Event-ID on a restarted
 * gateway, a slow client dropped while 100 fast ones keep receiving.
 */
let topics: StreamTopics;

beforeAll(async () => {
  topics = await streamTopics();
});
afterAll(async () => topics?.cleanup());

const ready = (c: SseClient) => vi.waitFor(() => expect(c.messages.some((m) => m.type === 'ready')).toBe(true), { timeout: 10_000, interval: 20 });
const ALL = ['tasks:read', 'tasks:write', 'events:read', 'events:write'] as const;

async function publish(gw: StreamGateway, key: string, items: { n: number; userId?: string; name?: string; text?: string }[]) {
  const body = { items: items.map((i) => ({ name: i.name ?? `${topics.domain}.greeted`, payload: i.text === undefined ? { n: i.n, who: 'x' } : { n: i.n, text: i.text }, ...(i.userId ? { metadata: { userId: i.userId } } : {}) })) };
  const reply = await gw.call('POST', '/data/events/createMany', { key, body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

describe('gateway: SSE stream', () => {
  it('tenant and user matrix: every client gets exactly its scope, once and in order; task status changes reach their tenant and user', async () => {
    const gw = await startStreamGateway(topics);
    onTestFinished(() => gw.stop());
    const [acme, globex] = await Promise.all([gw.key('acme', ALL), gw.key('globex', ALL)]);
    const [u1, u2] = await Promise.all(['u1', 'u2'].map((sub) => topics.jwks.sign({ sub, tenant: 'acme', scope: ALL.join(' ') })));
    const user = (sub: string) => `jwt:https://issuer.test:${sub}`;
    const q = `events=${topics.domain}.*&tasks=*`;
    const clients = { acme: openSse(gw.api, acme, q), globex: openSse(gw.api, globex, q), u1: openSse(gw.api, u1!, q), u2: openSse(gw.api, u2!, q), admin: openSse(gw.api, topics.adminKey, q) };
    onTestFinished(() => Object.values(clients).forEach((c) => c.close()));
    await Promise.all(Object.values(clients).map(ready));
    expect(clients.u1.messages[0]!.data).toMatchObject({ tenant: 'acme', user: user('u1') });

    // acme: n 0-29 (every third of u1, of u2, of no user); globex: n 100-109.
    const acmeItems = Array.from({ length: 30 }, (_, n) => ({ n, ...(n % 3 === 0 ? { userId: user('u1') } : n % 3 === 1 ? { userId: user('u2') } : {}) }));
    for (let i = 0; i < 30; i += 10) await publish(gw, acme, acmeItems.slice(i, i + 10));
    await publish(gw, globex, Array.from({ length: 10 }, (_, i) => ({ n: 100 + i })));
    const task = await gw.call('POST', '/data/tasks', { key: u1!, body: { type: 'send_email', payload: { to: 'ada@example.com', subject: 'hi' } } });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const taskId = task.body.data.id as string;
    await vi.waitFor(() => expect(clients.admin.ns()).toHaveLength(40), { timeout: 30_000, interval: 50 });
    // Closing events, published after the admin saw everything: a client that got its own has been sent all the earlier ones.
    await publish(gw, acme, [{ n: 1_000, userId: user('u1') }, { n: 1_001, userId: user('u2') }]);
    await publish(gw, globex, [{ n: 1_002 }]);
    await vi.waitFor(() => {
      expect(clients.acme.ns().slice(-2)).toEqual([1_000, 1_001]);
      expect(clients.u1.ns().at(-1)).toBe(1_000);
      expect(clients.u2.ns().at(-1)).toBe(1_001);
      expect(clients.globex.ns().at(-1)).toBe(1_002);
      expect(clients.admin.ns()).toHaveLength(43);
      expect(clients.admin.messages.filter((m) => m.type === 'task.status').length).toBeGreaterThan(0);
    }, { timeout: 30_000, interval: 50 });

    const range = (from: number, to: number, keep: (n: number) => boolean = () => true) => Array.from({ length: to - from }, (_, i) => from + i).filter(keep);
    expect(clients.acme.ns()).toEqual([...range(0, 30), 1_000, 1_001]);
    expect(clients.u1.ns()).toEqual([...range(0, 30, (n) => n % 3 === 0), 1_000]);
    expect(clients.u2.ns()).toEqual([...range(0, 30, (n) => n % 3 === 1), 1_001]);
    expect(clients.globex.ns()).toEqual([...range(100, 110), 1_002]);
    const adminNs = clients.admin.ns();
    expect(adminNs.filter((n) => n < 100 || n === 1_000 || n === 1_001)).toEqual([...range(0, 30), 1_000, 1_001]);
    expect(adminNs.filter((n) => (n >= 100 && n < 1_000) || n === 1_002)).toEqual([...range(100, 110), 1_002]);

    // The task u1 created: its queued status reaches u1, its tenant's service key and the admin, not u2 or globex.
    const statuses = (c: SseClient) => c.messages.filter((m) => m.type === 'task.status').map((m) => `${m.data.taskId}:${m.data.status}`);
    for (const c of [clients.u1, clients.acme, clients.admin]) expect(statuses(c)).toEqual([`${taskId}:queued`]);
    for (const c of [clients.u2, clients.globex]) expect(statuses(c)).toEqual([]);
    // Every id decodes to a position that only moves forward.
    const ids = clients.acme.messages.filter((m) => m.type === 'event').map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a stream without a credential, without a read scope, or with a bad channel, pattern or Last-Event-ID, naming the field', async () => {
    const gw = await startStreamGateway(topics);
    onTestFinished(() => gw.stop());
    const [writeOnly, reader] = await Promise.all([gw.key('acme', ['events:write']), gw.key('acme', ['events:read'])]);
    const open = (query: string, key?: string, headers: Record<string, string> = {}) => fetch(`${gw.api}/stream?${query}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await open('events=*')).toMatchObject({ status: 401, body: { code: 'SY_UNAUTHENTICATED' } });
    expect(await open('events=*', writeOnly)).toMatchObject({ status: 403, body: { code: 'SY_FORBIDDEN' } });
    expect(await open('events=Bad', reader)).toMatchObject({ status: 400, body: { code: 'SY_INVALID_ARGUMENT', field: 'query.events[0]' } });
    expect(await open('channels=nope', reader)).toMatchObject({ status: 400, body: { code: 'SY_INVALID_ARGUMENT', field: 'query.channels' } });
    expect(await open('events=*', reader, { 'last-event-id': 'not-a-cursor!' })).toMatchObject({ status: 400, body: { code: 'SY_INVALID_ARGUMENT', field: 'headers.last-event-id' } });
    // A browser's EventSource cannot send headers: access_token in the query works the same.
    const viaQuery = await new Promise<number>((resolve) => get(`${gw.api}/stream?events=*&access_token=${reader}`, (res) => (resolve(res.statusCode!), res.destroy())));
    expect(viaQuery).toBe(200);
  });

  it('a client that reconnects with Last-Event-ID to a restarted gateway gets exactly the events it missed, then the live ones', async () => {
    const first = await startStreamGateway(topics);
    const acme = await first.key('acme', ALL);
    const before = openSse(first.api, acme, `events=${topics.domain}.*`);
    onTestFinished(() => before.close());
    await ready(before);
    await publish(first, acme, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await vi.waitFor(() => expect(before.ns()).toEqual([1, 2, 3]), { timeout: 30_000, interval: 20 });
    const lastId = before.messages.at(-1)!.id;
    await first.stop();
    // A stopping gateway ends its streams with a last `dropped` message (its resume id may be past the transaction marker after event 3).
    await vi.waitFor(() => expect(before.messages.at(-1)).toMatchObject({ type: 'dropped', data: { reason: 'shutdown' } }), { timeout: 10_000, interval: 20 });
    before.close();

    // Another instance (the restarted gateway) on the same topics; the events published meanwhile are behind its live position.
    const second = await startStreamGateway(topics);
    onTestFinished(() => second.stop());
    await publish(second, acme, [{ n: 4 }, { n: 5 }, { n: 6 }]);
    const after = openSse(second.api, acme, `events=${topics.domain}.*`, lastId);
    onTestFinished(() => after.close());
    await ready(after);
    expect(after.messages[0]!.data.resumed).toBe(true);
    await vi.waitFor(() => expect(after.ns()).toEqual([4, 5, 6]), { timeout: 30_000, interval: 20 });
    await publish(second, acme, [{ n: 7 }]);
    await vi.waitFor(() => expect(after.ns()).toEqual([4, 5, 6, 7]), { timeout: 30_000, interval: 20 });
  });

  it('a client that does not read is dropped (slow-client) when its buffer is full, while 100 fast clients get every event in order', async () => {
    const gw = await startStreamGateway(topics, { maxBufferedMessages: 20 });
    onTestFinished(() => gw.stop());
    const acme = await gw.key('acme', ALL);
    const fast = Array.from({ length: 100 }, () => openSse(gw.api, acme, `events=${topics.domain}.greeted`));
    onTestFinished(() => fast.forEach((c) => c.close()));
    await Promise.all(fast.map(ready));
    // The slow client: its response is paused, so the socket fills up and the server's writes back up.
    const slow = await new Promise<import('node:http').IncomingMessage>((resolve) => get(`${gw.api}/stream?events=${topics.domain}.bulk&access_token=${acme}`, resolve));
    slow.pause();
    onTestFinished(() => void slow.destroy());
    await vi.waitFor(() => expect(gw.service.realtime.clientCount).toBe(101), { timeout: 10_000, interval: 20 });
    const text = 'x'.repeat(50_000);
    let n = 0;
    const deadline = Date.now() + 60_000;
    while ((gw.service.realtime.dropped.get('slow-client') ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error('the slow client was never dropped');
      await publish(gw, acme, [...Array.from({ length: 10 }, () => ({ n: -1, name: `${topics.domain}.bulk`, text })), { n: n++ }]);
    }
    for (let i = 0; i < 5; i++) await publish(gw, acme, [{ n: n++ }]);
    const expected = Array.from({ length: n }, (_, i) => i);
    await vi.waitFor(() => expect(fast.filter((c) => c.ns().length < n)).toHaveLength(0), { timeout: 30_000, interval: 50 });
    for (const c of fast) expect(c.ns()).toEqual(expected);
    expect(gw.service.realtime.dropped.get('slow-client')).toBe(1);
    expect(gw.service.realtime.clientCount).toBe(100);
  });

  it('the server config applies: a channel with its pattern and filter, eventPattern bounds every subscription, a client over its rateLimit is dropped (rate-limited)', async () => {
    const gw = await startStreamGateway(topics, {
      maxBufferedMessages: 3,
      notifications: {
        eventPattern: `${topics.domain}.greeted`,
        channels: [{ name: 'evens', eventPattern: `${topics.domain}.*`, filter: (e: unknown) => ((e as { payload: { n: number } }).payload.n % 2 === 0) }],
        rateLimit: { maxEventsPerSecond: 1, windowMs: 60_000 },
      },
    });
    onTestFinished(() => gw.stop());
    const acme = await gw.key('acme', ALL);
    const evens = openSse(gw.api, acme, 'channels=evens');
    const everything = openSse(gw.api, acme, 'events=*');
    onTestFinished(() => [evens, everything].forEach((c) => c.close()));
    await Promise.all([evens, everything].map(ready));
    // One window allows 60 messages: 1 + 2 + 3 = 6 greeted events go out; the bulk ones are outside eventPattern.
    await publish(gw, acme, [{ n: 1 }, { n: 2 }, { n: -1, name: `${topics.domain}.bulk`, text: 'x' }, { n: 3 }, { n: 4 }]);
    await vi.waitFor(() => expect(everything.ns()).toEqual([1, 2, 3, 4]), { timeout: 30_000, interval: 20 });
    await vi.waitFor(() => expect(evens.ns()).toEqual([2, 4]), { timeout: 30_000, interval: 20 });
    // The window holds 60 (1/s x 60 s): of 100 more in one go, 56 go out, 3 wait in the buffer and the next one drops the client.
    await publish(gw, acme, Array.from({ length: 100 }, (_, i) => ({ n: 10 + i })));
    await vi.waitFor(() => expect(everything.messages.at(-1)).toMatchObject({ type: 'dropped', data: { reason: 'rate-limited' } }), { timeout: 30_000, interval: 20 });
    expect(everything.ns()).toHaveLength(60);
  });
});
