import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { openSse, startStreamGateway, streamTopics, type SseClient, type StreamGateway, type StreamTopics } from './stream.test-support.js';

/** 1,000 concurrent SSE clients (real `eventsource` clients in this process) all get every event, in order. */
let topics: StreamTopics;
let gw: StreamGateway;

beforeAll(async () => {
  topics = await streamTopics();
  gw = await startStreamGateway(topics);
});
afterAll(async () => {
  await gw?.stop();
  await topics?.cleanup();
});

const CLIENTS = 1_000;
const EVENTS = 20;

describe('gateway: SSE fan-out', () => {
  it(`${CLIENTS} concurrent SSE clients all get every one of ${EVENTS} events, once and in order`, async () => {
    const acme = await gw.key('acme', ['events:read', 'events:write']);
    const clients: SseClient[] = [];
    // Opened in slices, so the connects do not all queue at once.
    for (let i = 0; i < CLIENTS; i += 100) {
      const slice = Array.from({ length: 100 }, () => openSse(gw.api, acme, `events=${topics.domain}.greeted`));
      clients.push(...slice);
      await vi.waitFor(() => expect(slice.filter((c) => !c.messages.some((m) => m.type === 'ready'))).toHaveLength(0), { timeout: 30_000, interval: 50 });
    }
    onTestFinished(() => clients.forEach((c) => c.close()));
    expect(gw.service.realtime.clientCount).toBe(CLIENTS);
    for (let n = 0; n < EVENTS; n += 5) {
      const items = Array.from({ length: 5 }, (_, i) => ({ name: `${topics.domain}.greeted`, payload: { n: n + i, who: 'x' } }));
      const reply = await gw.call('POST', '/data/events/createMany', { key: acme, body: { items } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    }
    const expected = Array.from({ length: EVENTS }, (_, i) => i);
    await vi.waitFor(() => expect(clients.filter((c) => c.ns().length < EVENTS)).toHaveLength(0), { timeout: 60_000, interval: 100 });
    const wrong = clients.filter((c) => JSON.stringify(c.ns()) !== JSON.stringify(expected));
    expect(wrong).toHaveLength(0);
    expect(gw.service.realtime.dropped.size).toBe(0);
  });
});
