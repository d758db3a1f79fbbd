import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, encodeEventRecord, eventDlqTopic, eventLaneTopic, CONFLUENT_JSON_CONTENT_TYPE } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import { SchemaRegistryCodec } from './registry/schema-registry-codec.js';
import { registryProxy, testSchemaRegistryUrl } from './registry/registry.test-support.js';
import type { BusEvent } from './subscribe/event-handler.js';

const ORDER = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
const n = (event: BusEvent) => (event.payload as { n: number }).n;
const EVENTS = 20;

/** Confluent wire format by hand: magic byte 0, a schema id, then the JSON. */
function wire(schemaId: number, payload: unknown): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, Buffer.from(JSON.stringify(payload), 'utf8')]);
}

describe('a schema-registry outage', () => {
  it('makes events wait instead of dead-lettering them: all are handled once the registry is back, and a record naming an unknown schema is still dead-lettered with its reason', async () => {
    // Before: every event whose schema the subscription had not fetched yet failed to decode while
    // the registry was unreachable and went to the DLQ as SY_SCHEMA_REGISTRY_UNAVAILABLE.
    const t = await setupEvents(1);
    const sub = t.sub();
    const url = await testSchemaRegistryUrl();
    const name = t.name('order.placed');
    // The publisher reaches the registry directly; the subscription only through a proxy the test cuts.
    const publisher = t.bus({ eventTypes: [{ name, schema: ORDER }] }, { registry: new SchemaRegistryCodec({ url }) });
    await publisher.start();
    const proxy = await registryProxy(url);
    proxy.cut();
    const handled: number[] = [];
    const consumer = t.bus({}, { registry: new SchemaRegistryCodec({ url: proxy.url }) });
    consumer.subscribe({ id: 'orders', eventName: t.name('*'), handler: async (e) => void handled.push(n(e)) }, sub);
    await consumer.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    // How many connections one decode makes before it gives up (the registry library retries GETs).
    const before = proxy.refused;
    await expect(new SchemaRegistryCodec({ url: proxy.url }).decode(wire(2_000_000_000, { n: 0 }))).rejects.toMatchObject({ code: 'SY_SCHEMA_REGISTRY_UNAVAILABLE', retriable: true });
    const perDecode = proxy.refused - before;
    expect(perDecode).toBeGreaterThanOrEqual(1);
    await publisher.publishMany(Array.from({ length: EVENTS }, (_, i) => t.event(name, { n: i })));

    // The first failed decode: the subscription reports the outage, and (before the fix: dead-lettered) nothing is dead-lettered.
    const subscription = consumer.subscription(sub)!;
    await vi.waitFor(() => expect(!subscription.health().ok || subscription.counts.dead > 0).toBe(true), { timeout: 30_000, interval: 20 });
    const quiet = () => ({ handled: handled.length, dead: subscription.counts.dead, dlq: dlq.records.length });
    expect(quiet()).toEqual({ handled: 0, dead: 0, dlq: 0 });
    expect(subscription.health()).toMatchObject({ ok: false, reason: expect.stringContaining('schema registry unavailable') });
    // Two more failed probes later, still nothing handled or dead-lettered.
    const refusedAtOutage = proxy.refused;
    await vi.waitFor(() => expect(proxy.refused - refusedAtOutage).toBeGreaterThanOrEqual(2 * perDecode), { timeout: 30_000, interval: 50 });
    expect(quiet()).toEqual({ handled: 0, dead: 0, dlq: 0 });

    proxy.restore();
    // Behind the events on the one partition: a record naming a schema id the registry does not know.
    const producer = t.client.producer();
    await producer.connect();
    const unknown = encodeEventRecord({ id: 'unknown-schema', name, source: 'legacy', timestamp: new Date().toISOString(), priority: 'normal', contentType: CONFLUENT_JSON_CONTENT_TYPE }, wire(2_000_000_000, { n: 99 }));
    await producer.send([{ topic: eventLaneTopic(name, 'normal'), records: [unknown] }]);
    await producer.disconnect();

    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 60_000, interval: 100 });
    expect(decodeDeadLetter(dlq.records[0]!)).toMatchObject({ code: 'SY_UNDECODABLE_MESSAGE', error: { message: expect.stringContaining('does not know') } });
    await vi.waitFor(() => expect(handled).toHaveLength(EVENTS), { timeout: 30_000, interval: 100 });
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
    expect(subscription.counts.dead).toBe(1);
    expect(subscription.health()).toEqual({ ok: true, state: 'running' });
  });

  it('close() during an outage gives up the wait: nothing is committed or dead-lettered, and the next process handles the events', async () => {
    const t = await setupEvents(1);
    const sub = t.sub();
    const url = await testSchemaRegistryUrl();
    const name = t.name('order.placed');
    const publisher = t.bus({ eventTypes: [{ name, schema: ORDER }] }, { registry: new SchemaRegistryCodec({ url }) });
    await publisher.start();
    const proxy = await registryProxy(url);
    proxy.cut();
    const handled: number[] = [];
    const consumerBus = () => {
      const bus = t.bus({}, { registry: new SchemaRegistryCodec({ url: proxy.url }) });
      bus.subscribe({ id: 'orders', eventName: t.name('*'), handler: async (e) => void handled.push(n(e)) }, { name: sub, shutdownTimeoutMs: 600_000 });
      return bus;
    };
    const first = consumerBus();
    await first.start();
    await publisher.publishMany([0, 1, 2].map((i) => t.event(name, { n: i })));
    await vi.waitFor(() => expect(first.subscription(sub)!.health()).toMatchObject({ ok: false, reason: expect.stringContaining('schema registry unavailable') }), { timeout: 30_000, interval: 20 });
    // With a 10-minute shutdownTimeoutMs, close() resolving within the test timeout shows the wait was given up, not waited out.
    await first.close();
    expect(first.subscription(sub)!.counts).toMatchObject({ completed: 0, dead: 0 });

    proxy.restore();
    const second = consumerBus();
    await second.start();
    await vi.waitFor(() => expect(handled.sort()).toEqual([0, 1, 2]), { timeout: 30_000, interval: 100 });
    expect(second.subscription(sub)!.counts).toMatchObject({ completed: 3, dead: 0 });
  });
});
