import { describe, expect, it, vi } from 'vitest';
import { CLOUDEVENT_HEADERS, decodeEventRecord, eventDlqTopic, eventLaneTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import { SchemaRegistryCodec } from './registry/schema-registry-codec.js';
import { registryProxy, testSchemaRegistryUrl } from './registry/registry.test-support.js';

const ORDER = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false };
const EVENTS = 2;

describe('a route during a schema-registry outage', () => {
  it('waits instead of dead-lettering: the events are routed once the registry is back', async () => {
    // Before: each event whose schema the route could not fetch was dead-lettered as SY_SCHEMA_REGISTRY_UNAVAILABLE.
    const t = await setupEvents(1);
    const routeId = t.sub('r');
    const url = await testSchemaRegistryUrl();
    const name = t.name('order.placed');
    const publisher = t.bus({ eventTypes: [{ name, schema: ORDER }] }, { registry: new SchemaRegistryCodec({ url }) });
    await publisher.start();
    const proxy = await registryProxy(url);
    proxy.cut();
    // Connections one decode makes before giving up (the library retries GETs): before the fix, the
    // route gave up on each event after that many, so EVENTS events made at most EVENTS x perDecode.
    const before = proxy.refused;
    await expect(new SchemaRegistryCodec({ url: proxy.url }).decode(Buffer.from([0, 0x7f, 0, 0, 0, 0x7b, 0x7d]))).rejects.toMatchObject({ code: 'SY_SCHEMA_REGISTRY_UNAVAILABLE' });
    const perDecode = proxy.refused - before;
    expect(perDecode).toBeGreaterThanOrEqual(1);

    const router = t.bus({}, { registry: new SchemaRegistryCodec({ url: proxy.url }) });
    router.route({ id: routeId, from: t.name('order.*'), to: [t.name('audit.logged')] });
    await router.start();
    // The domain's one topic holds the source events and the routed ones: routed = of the target type.
    const domainTopic = await collectTopics(t.client, [eventLaneTopic(name, 'normal')]);
    const routed = () => domainTopic.records.filter((r) => r.headers[CLOUDEVENT_HEADERS.type]?.toString() === t.name('audit.logged'));
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, `route-${routeId}`)]);
    const refusedBefore = proxy.refused;
    await publisher.publishMany(Array.from({ length: EVENTS }, (_, i) => t.event(name, { n: i })));

    // Two probes past what giving up on every event would have cost: still nothing routed or dead-lettered.
    await vi.waitFor(() => expect(proxy.refused - refusedBefore).toBeGreaterThanOrEqual((EVENTS + 2) * perDecode), { timeout: 60_000, interval: 50 });
    await vi.waitFor(() => expect(domainTopic.records).toHaveLength(EVENTS), { timeout: 30_000, interval: 50 });
    expect({ routed: routed().length, dead: dlq.records.length }).toEqual({ routed: 0, dead: 0 });

    proxy.restore();
    await vi.waitFor(() => expect(routed()).toHaveLength(EVENTS), { timeout: 60_000, interval: 100 });
    const payloads = routed().map((r) => {
      const decoded = decodeEventRecord(r);
      return decoded.ok ? (JSON.parse(decoded.data!.toString('utf8')) as { n: number }).n : -1;
    });
    expect(payloads.sort()).toEqual([0, 1]);
    // Each event is routed or dead-lettered, not both: all were routed, so none is in the DLQ.
    expect(dlq.records).toEqual([]);
  });
});
