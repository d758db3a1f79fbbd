import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import WebSocket from 'ws';
import { startStreamGateway, streamTopics, type StreamGateway, type StreamMessageSeen, type StreamTopics } from './stream.test-support.js';

/**
 * GET /api/v1/stream/ws with the real `ws` client on the real broker: subscribe and unsubscribe
 * messages, tenant scoping, errors naming the field, resume with `lastEventId`.
 */
let topics: StreamTopics;
let gw: StreamGateway;
let acme: string;
let globex: string;

beforeAll(async () => {
  topics = await streamTopics();
  gw = await startStreamGateway(topics);
  const all = ['tasks:read', 'tasks:write', 'events:read', 'events:write'] as const;
  [acme, globex] = await Promise.all([gw.key('acme', all), gw.key('globex', all)]);
});
afterAll(async () => {
  await gw?.stop();
  await topics?.cleanup();
});

interface WsClient {
  readonly messages: StreamMessageSeen[];
  readonly socket: WebSocket;
  ns(name?: string): number[];
  send(body: unknown): void;
}

async function openWs(key: string, query: string): Promise<WsClient> {
  const socket = new WebSocket(`${gw.api.replace('http', 'ws')}/stream/ws?${query}`, { headers: { authorization: `Bearer ${key}` } });
  const messages: StreamMessageSeen[] = [];
  socket.on('message', (data) => void messages.push(JSON.parse(data.toString())));
  onTestFinished(() => socket.close());
  await vi.waitFor(() => expect(messages.some((m) => m.type === 'ready')).toBe(true), { timeout: 10_000, interval: 20 });
  return {
    messages,
    socket,
    ns: (name) => messages.filter((m) => m.type === 'event' && (name === undefined || m.data.name === `${topics.domain}.${name}`)).map((m) => m.data.payload.n as number),
    send: (body) => socket.send(JSON.stringify(body)),
  };
}

async function publish(key: string, items: { n: number; name: 'greeted' | 'bulk' }[]) {
  const body = { items: items.map((i) => ({ name: `${topics.domain}.${i.name}`, payload: i.name === 'greeted' ? { n: i.n, who: 'x' } : { n: i.n, text: 't' } })) };
  const reply = await gw.call('POST', '/data/events/createMany', { key, body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

describe('gateway: WebSocket stream', () => {
  it('subscribe and unsubscribe change what arrives, in order, scoped to the tenant', async () => {
    const a = await openWs(acme, `events=${topics.domain}.bulk`);
    const g = await openWs(globex, `events=${topics.domain}.*`);
    a.send({ type: 'subscribe', events: [`${topics.domain}.greeted`] });
    await vi.waitFor(() => expect(a.messages.at(-1)).toMatchObject({ type: 'subscribed', data: { events: [`${topics.domain}.bulk`, `${topics.domain}.greeted`] } }), { timeout: 10_000, interval: 20 });
    await publish(acme, [{ n: 1, name: 'greeted' }, { n: 2, name: 'bulk' }]);
    await vi.waitFor(() => expect(a.ns()).toEqual([1, 2]), { timeout: 30_000, interval: 20 });

    a.send({ type: 'unsubscribe', events: [`${topics.domain}.greeted`] });
    await vi.waitFor(() => expect(a.messages.at(-1)).toMatchObject({ type: 'subscribed', data: { events: [`${topics.domain}.bulk`] } }), { timeout: 10_000, interval: 20 });
    // One transaction, one partition: the greeted event comes before the bulk one, so once 4 arrived, 3 was left out.
    await publish(acme, [{ n: 3, name: 'greeted' }, { n: 4, name: 'bulk' }]);
    await vi.waitFor(() => expect(a.ns()).toEqual([1, 2, 4]), { timeout: 30_000, interval: 20 });
    await publish(globex, [{ n: 5, name: 'greeted' }]);
    await vi.waitFor(() => expect(g.ns()).toEqual([5]), { timeout: 30_000, interval: 20 });
    expect(a.ns()).toEqual([1, 2, 4]);
    expect(a.messages.filter((m) => m.type === 'event').every((m) => typeof m.id === 'string' && m.id.length > 0)).toBe(true);
  });

  it('a bad message gets an error naming the field and the stream goes on; a bad request or no credential is refused before the upgrade', async () => {
    const a = await openWs(acme, '');
    a.send({ type: 'subscribe', events: ['Not A Pattern'] });
    a.socket.send('not json');
    a.send({ type: 'subscribe', channels: ['nope'] });
    await vi.waitFor(() => expect(a.messages.filter((m) => m.type === 'error')).toHaveLength(3), { timeout: 10_000, interval: 20 });
    const errors = a.messages.filter((m) => m.type === 'error').map((m) => m.data);
    expect(errors[0]).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'message' });
    expect(errors[1]).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'message' });
    expect(errors[2]).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'message.channels' });
    expect(a.socket.readyState).toBe(WebSocket.OPEN);
    const refused = (headers: Record<string, string>, query = '') =>
      new Promise<number>((resolve) => {
        const s = new WebSocket(`${gw.api.replace('http', 'ws')}/stream/ws${query}`, { headers });
        s.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        s.on('open', () => (s.close(), resolve(101)));
      });
    expect(await refused({})).toBe(401);
    expect(await refused({ authorization: `Bearer ${acme}` }, '?events=BAD')).toBe(400);
  });

  it('reconnecting with lastEventId resumes after the last message received', async () => {
    const a = await openWs(acme, `events=${topics.domain}.greeted`);
    await publish(acme, [{ n: 10, name: 'greeted' }]);
    await vi.waitFor(() => expect(a.ns()).toEqual([10]), { timeout: 30_000, interval: 20 });
    const lastId = a.messages.filter((m) => m.type === 'event').at(-1)!.id;
    a.socket.close();
    await publish(acme, [{ n: 11, name: 'greeted' }, { n: 12, name: 'greeted' }]);
    const b = await openWs(acme, `events=${topics.domain}.greeted&lastEventId=${lastId}`);
    await vi.waitFor(() => expect(b.ns()).toEqual([11, 12]), { timeout: 30_000, interval: 20 });
  });

  it('reconnecting with the id of the last message when nothing was missed: no repeat, no drop, the stream goes live', async () => {
    const a = await openWs(acme, `events=${topics.domain}.greeted`);
    await publish(acme, [{ n: 20, name: 'greeted' }]);
    await vi.waitFor(() => expect(a.ns()).toEqual([20]), { timeout: 30_000, interval: 20 });
    const lastId = a.messages.filter((m) => m.type === 'event').at(-1)!.id;
    a.socket.close();
    const b = await openWs(acme, `events=${topics.domain}.greeted&lastEventId=${lastId}`);
    await publish(acme, [{ n: 21, name: 'greeted' }]);
    // The catch-up has nothing to read (at most the transaction marker after event 20): the stream is not held up or dropped.
    await vi.waitFor(() => expect(b.ns()).toEqual([21]), { timeout: 10_000, interval: 20 });
    expect(b.messages.some((m) => m.type === 'dropped')).toBe(false);
  });
});
