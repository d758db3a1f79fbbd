import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStreamGateway, streamTopics, type StreamGateway, type StreamTopics } from './stream.test-support.js';

/** GET /api/v1/stream/poll: long polling with lastEventId on the real broker, no message missed or repeated. */
let topics: StreamTopics;
let gw: StreamGateway;
let acme: string;

beforeAll(async () => {
  topics = await streamTopics();
  gw = await startStreamGateway(topics);
  acme = await gw.key('acme', ['events:read', 'events:write']);
});
afterAll(async () => {
  await gw?.stop();
  await topics?.cleanup();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, asserted below
const poll = async (query: string): Promise<{ status: number; body: any }> => gw.call('GET', `/stream/poll?events=${topics.domain}.*&${query}`, { key: acme });
const publish = async (ns: number[]) => {
  const reply = await gw.call('POST', '/data/events/createMany', { key: acme, body: { items: ns.map((n) => ({ name: `${topics.domain}.greeted`, payload: { n, who: 'x' } })) } });
  expect(reply.status).toBe(201);
};
const nsOf = (body: { data: { messages: { type: string; data: { payload: { n: number } } }[] } }) => body.data.messages.filter((m) => m.type === 'event').map((m) => m.data.payload.n);

describe('gateway: long polling', () => {
  it('answers with the messages after lastEventId (waiting for the next one when there are none), never missing or repeating one', async () => {
    const first = await poll('waitMs=200');
    expect(first.status).toBe(200);
    expect(first.body.data.messages).toEqual([]);
    let lastEventId = first.body.data.lastEventId as string;

    // Published between polls: the next polls get them from Kafka, in order, once.
    await publish([1, 2, 3]);
    const got: number[] = [];
    const deadline = Date.now() + 30_000;
    while (got.length < 3 && Date.now() < deadline) {
      const reply = await poll(`waitMs=5000&lastEventId=${lastEventId}`);
      got.push(...nsOf(reply.body));
      lastEventId = reply.body.data.lastEventId;
    }
    expect(got).toEqual([1, 2, 3]);

    // Published while a poll waits: that poll answers with it.
    const waiting = poll(`waitMs=30000&lastEventId=${lastEventId}`);
    await publish([4]);
    const fourth = await waiting;
    expect(nsOf(fourth.body)).toEqual([4]);
    const empty = await poll(`waitMs=300&lastEventId=${fourth.body.data.lastEventId}`);
    expect(empty.body.data.messages).toEqual([]);
    expect((await poll('waitMs=999999')).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.waitMs' });
  });

  it('GET /metrics counts the streams: attached, resumed, records read, and the clients attached now', async () => {
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const before = { fresh: await metric('switchyard_realtime_connections_total{resumed="false"}'), resumed: await metric('switchyard_realtime_connections_total{resumed="true"}'), records: await metric('switchyard_realtime_records_total') };
    const first = await poll('waitMs=0');
    await publish([7]);
    await poll(`waitMs=5000&lastEventId=${first.body.data.lastEventId as string}`);
    expect(await metric('switchyard_realtime_connections_total{resumed="false"}')).toBe(before.fresh + 1);
    expect(await metric('switchyard_realtime_connections_total{resumed="true"}')).toBe(before.resumed + 1);
    expect(await metric('switchyard_realtime_records_total')).toBeGreaterThanOrEqual(before.records + 1);
    // Both polls have answered: no stream is attached any more.
    expect(await metric('switchyard_realtime_clients')).toBe(0);
  });

  it('RealTimeNotificationConfig.enabled false: no stream routes at all (404), the rest of the API unchanged', async () => {
    const off = await startStreamGateway(topics, { notifications: { enabled: false } });
    try {
      for (const path of ['/stream', '/stream/poll?waitMs=0']) expect((await off.call('GET', path, { key: acme })).status).toBe(404);
      expect(off.service.realtime.clientCount).toBe(0);
      expect((await off.call('GET', '/meta', { key: acme })).status).toBe(200);
    } finally {
      await off.stop();
    }
  });
});
