import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CLOUDEVENT_HEADERS, decodeDeadLetter, encodeEventRecord, eventDlqTopic, eventLaneTopic, eventTopic, EVENT_HEADERS, subscriptionReplayTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

const n = (event: BusEvent) => (event.payload as { n: number }).n;

describe('event bus features', () => {
  it('prefers higher priority lanes: critical events overtake a backlog of background events', async () => {
    const t = await setupEvents(1);
    const publisher = t.bus();
    await publisher.start();
    await publisher.publishMany(Array.from({ length: 200 }, (_, i) => t.event(t.name('work.item'), { n: i }, { priority: 'background' })));
    const order: number[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const bus = t.bus();
    const name = t.sub();
    // The first event holds the only slot until both lanes are buffered, so what runs next is the
    // dispatcher's choice alone, not the order in which the lanes' fetches happened to land.
    bus.subscribe({ eventName: t.name('work.*'), handler: async (e) => {
      order.push(n(e));
      if (order.length === 1) await released;
    } }, { name, concurrency: 1, eventLog: false });
    await bus.start();
    const waiting = () => bus.subscription(name)!.waiting;
    await vi.waitFor(() => expect([order, waiting()]).toEqual([[0], 199]), { timeout: 30_000, interval: 50 });
    await publisher.publishMany(Array.from({ length: 10 }, (_, i) => t.event(t.name('work.item'), { n: 1000 + i }, { priority: 'critical' })));
    await vi.waitFor(() => expect(waiting()).toBe(209), { timeout: 30_000, interval: 50 });
    release();
    await vi.waitFor(() => expect(order).toHaveLength(210), { timeout: 30_000, interval: 100 });
    // The executor takes no more events than it has slots, so everything after event 0 waited in
    // the lane buffers: critical first, and every 10th pick (minLowerLaneShare 0.1) goes to the
    // waiting background lane. (Before 2026-12-07 event 1 slipped into the executor while event 0
    // ran: the executor counted an event as running only a microtask after taking it.)
    expect(order.slice(0, 12)).toEqual([0, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1, 1009]);
    expect(order.slice(12)).toEqual(Array.from({ length: 198 }, (_, i) => i + 2));
  });

  it('without priorityEnabled, publishes to events.<domain> only', async () => {
    const t = await setupEvents();
    const bus = t.bus({ queue: { priorityEnabled: false } });
    const seen: string[] = [];
    bus.subscribe({ eventName: t.name('*'), handler: async (e) => void seen.push(e.metadata.priority) }, t.sub());
    await bus.start();
    const receipt = await bus.publish(t.event(t.name('a.b'), {}, { priority: 'critical' }));
    expect(receipt.topic).toBe(eventTopic(t.domain));
    await vi.waitFor(() => expect(seen).toEqual(['critical']), { timeout: 20_000, interval: 100 });
    expect((await t.admin.listTopics()).filter((x) => x.startsWith(`events.${t.domain}`) && !x.includes('.dlq.')).sort()).toEqual([eventTopic(t.domain)]);
  });

  it('sets topic retention from persistence.retention (days)', async () => {
    const t = await setupEvents();
    const bus = t.bus({ persistence: { enabled: true, retention: 3 } });
    await bus.start();
    await bus.publish(t.event(t.name('kept.for'), {}));
    const topic = eventLaneTopic(t.domain, 'normal');
    const configs = await t.admin.describeTopicConfigs([topic]);
    expect(configs[topic]!['retention.ms']).toBe(String(3 * 86_400_000));
  });

  it('keeps tenants apart: a tenant-scoped subscription never sees other tenants, a tenant-scoped bus publishes only its own', async () => {
    const t = await setupEvents();
    const acme: BusEvent[] = [];
    const all: BusEvent[] = [];
    const bus = t.bus();
    bus.subscribe({ eventName: t.name('*'), handler: async (e) => void acme.push(e) }, { name: t.sub(), tenantId: 'acme' });
    bus.subscribe({ eventName: t.name('*'), handler: async (e) => void all.push(e) }, t.sub());
    await bus.start();
    await bus.publishMany(Array.from({ length: 30 }, (_, i) => t.event(t.name('doc.saved'), { n: i }, { tenantId: ['acme', 'globex', 'initech'][i % 3]! })));
    const scoped = t.bus({}, { tenantId: 'acme' });
    await scoped.start();
    await expect(scoped.publish(t.event(t.name('doc.saved'), { n: 99 }, { tenantId: 'globex' }))).rejects.toMatchObject({ code: 'SY_INVALID_EVENT', message: expect.stringContaining('tenantId') });
    await scoped.publish(t.event(t.name('doc.saved'), { n: 100 }));
    await vi.waitFor(() => expect(all).toHaveLength(31), { timeout: 20_000, interval: 100 });
    await vi.waitFor(() => expect(acme).toHaveLength(11), { timeout: 20_000, interval: 100 });
    expect(acme.every((e) => e.metadata.tenantId === 'acme')).toBe(true);
    expect(acme.map(n).sort((a, b) => a - b)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 100]);
  });

  it('dead-letters garbage records with the reason and keeps the partition flowing', async () => {
    const t = await setupEvents(1);
    const sub = t.sub();
    const seen: number[] = [];
    const bus = t.bus();
    bus.subscribe({ eventName: t.name('*'), handler: async (e) => void seen.push(n(e)) }, sub);
    await bus.start();
    const topic = eventLaneTopic(t.domain, 'normal');
    const good = (i: number) => encodeEventRecord({ id: `e${i}`, name: t.name('raw.event'), source: 'raw', timestamp: new Date().toISOString(), priority: 'normal', contentType: 'application/json' }, JSON.stringify({ n: i }));
    const producer = t.client.producer();
    await producer.connect();
    await producer.send([{ topic, records: [good(1), { key: null, value: 'not even headers' }, { ...good(2), value: '{broken json' }, { ...good(3), headers: { ...good(3).headers, [CLOUDEVENT_HEADERS.time]: 'noon' } }, good(4)] }]);
    await producer.disconnect();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(3), { timeout: 20_000, interval: 100 });
    await vi.waitFor(() => expect(seen).toEqual([1, 4]), { timeout: 20_000, interval: 100 });
    const reasons = dlq.records.map((r) => decodeDeadLetter(r)!);
    expect(reasons.every((r) => r.code === 'SY_UNDECODABLE_MESSAGE')).toBe(true);
    const messages = reasons.map((r) => r.error.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining('missing headers ce_specversion, ce_id, ce_source, ce_type, ce_time'), expect.stringContaining('not valid UTF-8 JSON'), expect.stringContaining('header ce_time: Invalid ISO datetime')]));
  });

  it('validates payloads against the event type catalog, on publish and on consume', async () => {
    const t = await setupEvents();
    const sub = t.sub();
    const seen: unknown[] = [];
    const bus = t.bus({ eventTypes: [{ name: t.name('user.signed_up'), schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] } }] });
    bus.defineEventType({ name: t.name('user.renamed'), schema: z.object({ name: z.string().min(1) }), deprecated: true });
    bus.subscribe({ eventName: t.name('user.*'), handler: async (e) => void seen.push(e.payload) }, sub);
    await bus.start();
    await expect(bus.publish(t.event(t.name('user.signed_up'), { email: 'nope' }))).rejects.toMatchObject({ code: 'SY_INVALID_PAYLOAD', message: expect.stringContaining('payload.email') });
    await expect(bus.publish(t.event(t.name('user.signed_up'), {}))).rejects.toMatchObject({ code: 'SY_INVALID_PAYLOAD', message: expect.stringContaining('payload.email is required') });
    await expect(bus.publish(t.event(t.name('user.renamed'), { name: '' }))).rejects.toMatchObject({ code: 'SY_INVALID_PAYLOAD', message: expect.stringContaining('payload.name') });
    await bus.publish(t.event(t.name('user.signed_up'), { email: 'a@example.com' }));
    await bus.publish(t.event(t.name('user.renamed'), { name: 'Ann' }));
    // A producer outside the bus skips validation: the subscription dead-letters what does not match.
    const producer = t.client.producer();
    await producer.connect();
    await producer.send([{ topic: eventLaneTopic(t.domain, 'normal'), records: [encodeEventRecord({ id: 'x1', name: t.name('user.signed_up'), source: 'legacy', timestamp: new Date().toISOString(), priority: 'normal', contentType: 'application/json' }, '{"email":42}')] }]);
    await producer.disconnect();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect(decodeDeadLetter(dlq.records[0]!)).toMatchObject({ code: 'SY_INVALID_PAYLOAD', error: { message: expect.stringContaining('payload.email') } });
    await vi.waitFor(() => expect(seen).toEqual(expect.arrayContaining([{ email: 'a@example.com' }, { name: 'Ann' }])), { timeout: 20_000, interval: 100 });
    expect(seen).toHaveLength(2);
  });

  it("runs events written to a subscription's replay topic by that subscription only, and only the named handlers", async () => {
    const t = await setupEvents();
    const subA = t.sub();
    const calls: string[] = [];
    const bus = t.bus();
    bus.subscribe([
      { id: 'h1', eventName: t.name('*'), handler: async (e) => void calls.push(`A/h1/${n(e)}`) },
      { id: 'h2', eventName: t.name('*'), handler: async (e) => void calls.push(`A/h2/${n(e)}`) },
    ], subA);
    bus.subscribe({ id: 'h1', eventName: t.name('*'), handler: async (e) => void calls.push(`B/h1/${n(e)}`) }, t.sub());
    await bus.start();
    const record = (i: number, targets?: string) => {
      const r = encodeEventRecord({ id: `r${i}`, name: t.name('re.play'), source: 'replay', timestamp: new Date().toISOString(), priority: 'normal', contentType: 'application/json' }, JSON.stringify({ n: i }), targets ? { [EVENT_HEADERS.targetHandlers]: targets } : {});
      return r;
    };
    const producer = t.client.producer();
    await producer.connect();
    await producer.send([{ topic: subscriptionReplayTopic(subA), records: [record(1), record(2, 'h2')] }]);
    await producer.disconnect();
    await vi.waitFor(() => expect(calls.sort()).toEqual(['A/h1/1', 'A/h2/1', 'A/h2/2']), { timeout: 20_000, interval: 100 });
  });

  it('tells which parts of an EventBusConfig are not supported yet', async () => {
    const t = await setupEvents();
    const bus = t.bus({
      eventSourcing: { enabled: true },
      webhooks: [{ eventPattern: '*', url: 'https://example.com/hook' }],
      realtime: { enabled: true },
      messageQueue: { provider: 'rabbitmq', topic: 'x' },
      queue: { deadLetterQueue: 'my-dlq' },
      replay: { enabled: false },
      persistence: { enabled: false, retention: 3 },
    });
    expect(bus.unsupported.map((p) => p.field).sort()).toEqual(['eventSourcing', 'messageQueue', 'persistence.enabled', 'queue.deadLetterQueue', 'replay.enabled']);
    expect(t.bus({ persistence: { enabled: true, retention: 30 }, queue: { concurrency: 4 } }).unsupported).toEqual([]);
    expect(() => t.bus({ handlers: [{ eventName: 'User.*', handler: async () => undefined }] })).toThrow(/handlers\[0\]\.eventName/);
  });
});

describe('createEventBus with a whole EventBusConfig', () => {
  it('runs config.handlers as the queue.name subscription, with queue.retryPolicy as their default retry policy', async () => {
    const t = await setupEvents();
    const name = t.sub('cfg');
    const runs: number[] = [];
    const bus = t.bus({
      queue: { name, concurrency: 2, retryPolicy: { maxRetries: 1, backoffStrategy: 'fixed', initialDelayMs: 20, maxDelayMs: 20 } },
      handlers: [
        {
          id: 'global',
          eventName: t.name('*'),
          handler: async (e) => {
            runs.push(n(e));
            if (n(e) === 0) throw new Error('zero is not allowed');
          },
        },
      ],
    });
    await bus.start();
    expect(bus.subscription(name)?.options.concurrency).toBe(2);
    await bus.publishMany([0, 1].map((i) => t.event(t.name('cfg.event'), { n: i })));
    await vi.waitFor(async () => expect((await bus.deadLetters(name)).entries).toHaveLength(1), { timeout: 20_000, interval: 200 });
    expect(runs.sort()).toEqual([0, 0, 1]);
    const [dead] = (await bus.deadLetters(name)).entries;
    expect(dead).toMatchObject({ failedHandler: 'global', retries: 1, error: { message: 'zero is not allowed' } });
  });

  it("fails start with the broker's reason when topics cannot be created, leaving the bus closed", async () => {
    const t = await setupEvents();
    const healthy = t.sub();
    const bus = t.bus({}, { topology: { partitions: 1, replicationFactor: 3 } });
    bus.subscribe({ eventName: t.name('*'), handler: async () => undefined }, healthy);
    await expect(bus.start()).rejects.toMatchObject({ code: 'SY_INVALID_CONFIG', message: expect.stringMatching(/Kafka refused to create topics: .*replicat.* \(events\./i), hint: expect.stringContaining('replicationFactor') });
    expect(bus.health().ok).toBe(false);
    await bus.close();
    const group = await t.admin.describeGroup(`switchyard.events.${healthy}`);
    expect(group.members).toEqual([]);
  });
});
