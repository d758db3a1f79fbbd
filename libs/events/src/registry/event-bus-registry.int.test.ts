import { Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import { describe, expect, it, vi } from 'vitest';
import { CONFLUENT_JSON_CONTENT_TYPE, CLOUDEVENT_HEADERS, eventLaneTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import { SchemaRegistryCodec } from './schema-registry-codec.js';
import { testSchemaRegistryUrl } from './registry.test-support.js';

// Closed objects: Apicurio's BACKWARD check counts a new optional property of an open object as a narrowing.
const USER_V1 = { type: 'object', properties: { email: { type: 'string' } }, required: ['email'], additionalProperties: false };
const USER_BREAKING = { type: 'object', properties: { email: { type: 'string' }, plan: { type: 'string' } }, required: ['email', 'plan'], additionalProperties: false };
const USER_COMPATIBLE = { type: 'object', properties: { email: { type: 'string' }, plan: { type: 'string' } }, required: ['email'], additionalProperties: false };

describe('event bus with a schema registry', () => {
  it('registers catalogued types, sends them in the Confluent wire format and decodes them for handlers', async () => {
    const t = await setupEvents();
    const registry = new SchemaRegistryCodec({ url: await testSchemaRegistryUrl() });
    const name = t.name('user.signed_up');
    const seen: unknown[] = [];
    const bus = t.bus({ eventTypes: [{ name, schema: USER_V1 }] }, { registry });
    bus.subscribe({ eventName: t.name('user.*'), handler: async (e) => void seen.push(e.payload) }, t.sub());
    await bus.start();
    const receipt = await bus.publish(t.event(name, { email: 'a@example.com' }));
    await expect(bus.publish(t.event(name, { mail: 'typo' }))).rejects.toMatchObject({ code: 'SY_INVALID_PAYLOAD' });
    await vi.waitFor(() => expect(seen).toEqual([{ email: 'a@example.com' }]), { timeout: 20_000, interval: 100 });

    const records = await collectTopics(t.client, [eventLaneTopic(name, 'normal')]);
    await vi.waitFor(() => expect(records.records).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const record = records.records[0]!;
    expect(record.value![0]).toBe(0);
    const schemaId = record.value!.readUInt32BE(1);
    expect(record.headers[CLOUDEVENT_HEADERS.contentType]?.toString()).toBe(CONFLUENT_JSON_CONTENT_TYPE);
    expect(record.headers[CLOUDEVENT_HEADERS.dataschema]?.toString()).toBe(registry.schemaUri(schemaId));
    // A generic CloudEvents reader still gets every attribute; the data stays opaque bytes.
    const headers = Object.fromEntries(Object.entries(record.headers).map(([k, v]) => [k, v.toString()]));
    const ce = CloudEventsKafka.toEvent({ key: '', value: record.value!, headers, body: record.value! } as KafkaMessage) as unknown as Record<string, unknown>;
    expect(ce).toMatchObject({ id: receipt.id, type: name, dataschema: registry.schemaUri(schemaId) });
    expect(await registry.decode(record.value!)).toEqual({ schemaId, payload: { email: 'a@example.com' } });
  });

  it('refuses to start with a breaking change of a registered type, and accepts a compatible one', async () => {
    const t = await setupEvents();
    const url = await testSchemaRegistryUrl();
    const name = t.name('user.signed_up');
    const first = t.bus({ eventTypes: [{ name, schema: USER_V1 }] }, { registry: new SchemaRegistryCodec({ url }) });
    await first.start();
    await first.close();
    const breaking = t.bus({ eventTypes: [{ name, version: '2.0.0', schema: USER_BREAKING }] }, { registry: new SchemaRegistryCodec({ url }) });
    await expect(breaking.start()).rejects.toMatchObject({ code: 'SY_SCHEMA_INCOMPATIBLE', message: expect.stringContaining(SchemaRegistryCodec.subjectOf(name)) });
    const compatible = t.bus({ eventTypes: [{ name, version: '1.1.0', schema: USER_COMPATIBLE }] }, { registry: new SchemaRegistryCodec({ url }) });
    await compatible.start();
    await compatible.publish(t.event(name, { email: 'b@example.com', plan: 'pro' }));
  });
});
