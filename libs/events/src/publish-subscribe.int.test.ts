import { Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import { describe, expect, it, vi } from 'vitest';
import { CLOUDEVENT_HEADERS, eventLaneTopic, eventTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

describe('publish', () => {
  it('writes CloudEvents binary-mode records that the CloudEvents SDK reads', async () => {
    const t = await setupEvents();
    const bus = t.bus();
    await bus.start();
    const name = t.name('user.created');
    const receipt = await bus.publish(t.event(name, { email: 'a@example.com', n: 1 }, { tenantId: 'acme', userId: 'u1', correlationId: 'c-1', causationId: 'e-0', priority: 'high' }));
    expect(receipt.topic).toBe(eventLaneTopic(name, 'high'));
    const collected = await collectTopics(t.client, [receipt.topic]);
    await vi.waitFor(() => expect(collected.records).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const record = collected.records[0]!;
    expect(record.key?.toString()).toBe('acme');
    const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString()]));
    const ce = CloudEventsKafka.toEvent({ key: record.key!.toString(), value: record.value!, headers, timestamp: record.timestamp, body: record.value! } as KafkaMessage) as unknown as Record<string, unknown>;
    expect(ce).toMatchObject({ specversion: '1.0', id: receipt.id, type: name, source: 'test', datacontenttype: 'application/json', tenantid: 'acme', userid: 'u1', correlationid: 'c-1', causationid: 'e-0', priority: 'high' });
    expect(ce.data).toEqual({ email: 'a@example.com', n: 1 });
    expect(headers[CLOUDEVENT_HEADERS.time]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('refuses invalid events with errors that name the field, and sends nothing of a bad batch', async () => {
    const t = await setupEvents();
    const bus = t.bus();
    await bus.start();
    await expect(bus.publish({ name: 'Bad Name', payload: {}, metadata: { source: 's', timestamp: new Date().toISOString() } })).rejects.toMatchObject({ code: 'SY_INVALID_EVENT', message: expect.stringContaining('name') });
    await expect(bus.publish({ name: t.name('x.y'), payload: {}, metadata: { timestamp: new Date().toISOString() } } as never)).rejects.toMatchObject({ code: 'SY_INVALID_EVENT', message: expect.stringContaining('metadata.source') });
    await expect(bus.publishMany([t.event(t.name('ok.one'), 1), { name: t.name('ok.two'), payload: 2, metadata: { source: 's', timestamp: 'yesterday' } }])).rejects.toMatchObject({ code: 'SY_INVALID_EVENT', message: expect.stringContaining('events[1].metadata.timestamp') });
    const topics = await t.admin.listTopics();
    expect(topics.filter((x) => x.startsWith(eventTopic(t.domain)))).toEqual([]);
  });
});

describe('subscribe', () => {
  it('delivers each event once to every subscription whose pattern matches, in per-tenant order', async () => {
    const t = await setupEvents();
    const seen = { users: [] as string[], created: [] as string[], exact: [] as string[] };
    const bus = t.bus();
    const record = (key: keyof typeof seen) => async (event: BusEvent) => void seen[key].push(`${event.name}#${String((event.payload as { n: number }).n)}`);
    bus.subscribe({ eventName: t.name('user.*'), handler: record('users') }, t.sub());
    bus.subscribe({ eventName: `${t.domain}.*.created`, handler: record('created') }, t.sub());
    bus.subscribe({ eventName: t.name('order.created'), handler: record('exact') }, t.sub());
    await bus.start();
    const events = [];
    for (let n = 0; n < 30; n++) events.push(t.event(t.name(n % 3 === 0 ? 'user.created' : n % 3 === 1 ? 'user.profile.updated' : 'order.created'), { n }, { tenantId: `t${n % 4}` }));
    await bus.publishMany(events);
    await vi.waitFor(() => {
      expect(seen.users).toHaveLength(20);
      expect(seen.created).toHaveLength(20);
      expect(seen.exact).toHaveLength(10);
    }, { timeout: 30_000, interval: 100 });
    expect(new Set(seen.users).size).toBe(20);
    expect(seen.users.every((s) => s.includes('.user.'))).toBe(true);
    expect(seen.created.every((s) => s.endsWith('created#' + s.split('#')[1]))).toBe(true);
    // Per tenant, a subscription sees events in publish order.
    const order = (list: string[], tenant: number) => list.map((s) => Number(s.split('#')[1])).filter((n) => n % 4 === tenant);
    for (let tenant = 0; tenant < 4; tenant++) {
      const ns = order(seen.users, tenant);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });
});
