import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryCodec } from './schema-registry-codec.js';
import { testSchemaRegistryUrl, unreachableSchemaRegistryUrl } from './registry.test-support.js';

/** A fresh event type per test, so each gets its own subject (`<name>-value`) in the shared registry. */
const uniqueEventName = (prefix: string) => `${prefix}_${randomUUID().slice(0, 8)}`;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const ITEM = {
  type: 'object',
  properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } },
  required: ['sku', 'qty'],
  additionalProperties: false,
};
const ORDER_V1 = {
  $schema: DRAFT_07,
  type: 'object',
  properties: {
    id: { type: 'string' },
    total: { type: 'number' },
    placedAt: { type: 'string', format: 'date-time' },
    items: { type: 'array', items: ITEM },
  },
  required: ['id', 'total'],
  additionalProperties: false,
};
/** v1 plus an optional field: old records still validate, so BACKWARD accepts it. */
const ORDER_V2_OPTIONAL_FIELD = { ...ORDER_V1, properties: { ...ORDER_V1.properties, currency: { type: 'string' } } };
/** v1 plus a required field: old records (without `currency`) no longer validate, so BACKWARD refuses it. */
const ORDER_V2_REQUIRED_FIELD = { ...ORDER_V2_OPTIONAL_FIELD, required: ['id', 'total', 'currency'] };

const ORDER = { id: 'o-1', total: 42.5, placedAt: '2024-05-01T10:00:00Z', items: [{ sku: 'A-1', qty: 2 }] };

/** Wire format by hand: magic byte 0, big-endian id, then whatever body. */
function wire(schemaId: number, body: string): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, Buffer.from(body, 'utf8')]);
}

describe('SchemaRegistryCodec (real registry)', () => {
  let url: string;
  beforeAll(async () => {
    url = await testSchemaRegistryUrl();
  });

  it('registers a schema under <event name>-value with the BACKWARD level set first, and returns the same id for the same schema', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const name = uniqueEventName('order.placed');
    const id = await codec.register(name, ORDER_V1);
    expect(Number.isInteger(id) && id > 0).toBe(true);
    expect(await codec.register(name, ORDER_V1)).toBe(id);
    // Key order does not make another version: the codec registers canonical JSON.
    const reordered = Object.fromEntries(Object.entries(ORDER_V1).reverse());
    expect(await new SchemaRegistryCodec({ url }).register(name, reordered)).toBe(id);

    const subject = SchemaRegistryCodec.subjectOf(name);
    expect(subject).toBe(`${name}-value`);
    expect(await getJson(`${url}/config/${subject}`)).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(await getJson(`${url}/subjects/${subject}/versions`)).toEqual([1]);
    const served = (await getJson(codec.schemaUri(id))) as { schema: string; schemaType: string };
    expect({ type: served.schemaType, schema: JSON.parse(served.schema) }).toEqual({ type: 'JSON', schema: ORDER_V1 });
  });

  it('encodes in the Confluent wire format and decodes it back, also in a codec that has to fetch the schema by id', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const id = await codec.register(uniqueEventName('order.placed'), ORDER_V1);
    const bytes = await codec.encode(id, ORDER);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    expect(JSON.parse(bytes.subarray(5).toString('utf8'))).toEqual(ORDER);
    expect(SchemaRegistryCodec.isWireFormat(bytes)).toBe(true);

    expect(await codec.decode(bytes)).toEqual({ schemaId: id, payload: ORDER });
    expect(await new SchemaRegistryCodec({ url }).decode(bytes)).toEqual({ schemaId: id, payload: ORDER });
    // A Date is checked as the ISO string it becomes on the wire.
    const at = new Date('2024-05-01T10:00:00.000Z');
    const decoded = await codec.decode(await codec.encode(id, { id: 'o-2', total: 1, placedAt: at }));
    expect(decoded.payload).toEqual({ id: 'o-2', total: 1, placedAt: at.toISOString() });
  });

  it('refuses to encode a payload that violates the schema with SY_INVALID_PAYLOAD naming the field', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const id = await codec.register(uniqueEventName('order.placed'), ORDER_V1);
    const refusals: Array<[unknown, string, RegExp]> = [
      [{ ...ORDER, total: 'ten' }, '$.total', /\$\.total must be number/],
      [{ total: 1 }, '$.id', /\$\.id is required/],
      [{ ...ORDER, items: [{ sku: 'A-1', qty: 1 }, { sku: 'B-2', qty: 0 }] }, '$.items[1].qty', /\$\.items\[1\]\.qty must be >= 1/],
      [{ ...ORDER, placedAt: 'yesterday' }, '$.placedAt', /\$\.placedAt must match format "date-time"/],
      [{ ...ORDER, coupon: 'X' }, '$.coupon', /\$\.coupon is not allowed/],
    ];
    for (const [payload, field, message] of refusals) {
      await expect(codec.encode(id, payload)).rejects.toMatchObject({
        code: 'SY_INVALID_PAYLOAD',
        retriable: false,
        message: expect.stringMatching(message),
        hint: expect.stringContaining(`Fix ${field} in the payload`),
        details: expect.objectContaining({ schemaId: id, field }),
      });
    }
  });

  it('refuses a breaking change (a new required field under BACKWARD) with SY_SCHEMA_INCOMPATIBLE naming the subject and the reason', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const name = uniqueEventName('order.placed');
    await codec.register(name, ORDER_V1);
    const refused = await codec.register(name, ORDER_V2_REQUIRED_FIELD).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'SY_SCHEMA_INCOMPATIBLE',
      retriable: false,
      message: expect.stringMatching(new RegExp(`subject "${name}-value" \\(compatibility BACKWARD\\).*OBJECT_TYPE_REQUIRED_PROPERTIES_MEMBER_ADDED`)),
      hint: expect.stringMatching(/optional.*new event name/),
      details: { eventName: name, subject: `${name}-value`, compatibility: 'BACKWARD' },
    });
    expect(await getJson(`${url}/subjects/${name}-value/versions`)).toEqual([1]);
  });

  it('accepts a compatible change (a new optional field) as a new id, and records of both versions still decode', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const name = uniqueEventName('order.placed');
    const v1 = await codec.register(name, ORDER_V1);
    const v2 = await codec.register(name, ORDER_V2_OPTIONAL_FIELD);
    expect(v2).not.toBe(v1);
    expect(await getJson(`${url}/subjects/${name}-value/versions`)).toEqual([1, 2]);
    const reader = new SchemaRegistryCodec({ url });
    expect(await reader.decode(await codec.encode(v1, ORDER))).toEqual({ schemaId: v1, payload: ORDER });
    const withCurrency = { ...ORDER, currency: 'EUR' };
    expect(await reader.decode(await codec.encode(v2, withCurrency))).toEqual({ schemaId: v2, payload: withCurrency });
  });

  it("keeps a level the subject already has instead of overriding it with the codec's", async () => {
    const name = uniqueEventName('order.placed');
    const response = await fetch(`${url}/config/${name}-value`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'FORWARD' }),
    });
    expect(response.status).toBe(200);
    const codec = new SchemaRegistryCodec({ url, compatibility: 'BACKWARD' });
    await codec.register(name, ORDER_V1);
    // BACKWARD would take the optional field; FORWARD does not (v1 readers refuse records carrying it).
    await expect(codec.register(name, ORDER_V2_OPTIONAL_FIELD)).rejects.toMatchObject({
      code: 'SY_SCHEMA_INCOMPATIBLE',
      message: expect.stringContaining('(compatibility FORWARD)'),
    });
    expect(await getJson(`${url}/config/${name}-value`)).toEqual({ compatibilityLevel: 'FORWARD' });
  });

  it('with compatibility NONE, registers any change', async () => {
    const codec = new SchemaRegistryCodec({ url, compatibility: 'NONE' });
    const name = uniqueEventName('order.placed');
    const v1 = await codec.register(name, ORDER_V1);
    expect(await codec.register(name, ORDER_V2_REQUIRED_FIELD)).not.toBe(v1);
  });

  it('decodes nothing but the wire format of a known schema: SY_UNDECODABLE_MESSAGE, or SY_INVALID_PAYLOAD for a valid frame with a bad payload', async () => {
    const codec = new SchemaRegistryCodec({ url });
    const id = await codec.register(uniqueEventName('order.placed'), ORDER_V1);
    const notWire = [Buffer.from(JSON.stringify(ORDER)), Buffer.alloc(0), Buffer.from([0, 0, 0, 0]), Buffer.from([1, 0, 0, 0, 7, 0x7b])];
    for (const bytes of notWire) {
      expect(SchemaRegistryCodec.isWireFormat(bytes)).toBe(false);
      await expect(codec.decode(bytes)).rejects.toMatchObject({
        code: 'SY_UNDECODABLE_MESSAGE',
        message: expect.stringContaining('not in the Confluent wire format'),
        hint: expect.stringContaining('dead-letter'),
      });
    }
    expect(SchemaRegistryCodec.isWireFormat(null)).toBe(false);
    await expect(codec.decode(wire(2_000_000_000, '{}'))).rejects.toMatchObject({
      code: 'SY_UNDECODABLE_MESSAGE',
      message: expect.stringContaining(`schema id 2000000000, which the schema registry at ${url} does not know`),
    });
    await expect(codec.decode(wire(id, '{"id": '))).rejects.toMatchObject({ code: 'SY_UNDECODABLE_MESSAGE', message: expect.stringContaining('UTF-8 JSON') });
    await expect(codec.decode(wire(id, JSON.stringify({ ...ORDER, total: '42' })))).rejects.toMatchObject({
      code: 'SY_INVALID_PAYLOAD',
      message: expect.stringContaining('$.total must be number'),
      hint: expect.stringContaining('fix the producer'),
    });
  });

  it('reports a registry that is down as SY_SCHEMA_REGISTRY_UNAVAILABLE (retriable), naming the url and how to start one', async () => {
    const down = await unreachableSchemaRegistryUrl();
    const codec = new SchemaRegistryCodec({ url: down });
    const expected = {
      code: 'SY_SCHEMA_REGISTRY_UNAVAILABLE',
      retriable: true,
      message: expect.stringMatching(new RegExp(`^Schema registry at ${down} is unreachable .*ECONNREFUSED`)),
      hint: expect.stringMatching(/SCHEMA_REGISTRY_URL.*npm run schema-registry:up/),
      details: { url: down },
    };
    await expect(codec.register(uniqueEventName('order.placed'), ORDER_V1)).rejects.toMatchObject(expected);
    await expect(codec.encode(1, ORDER)).rejects.toMatchObject(expected);
    await expect(codec.decode(wire(1, '{}'))).rejects.toMatchObject(expected);
  });
});

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/vnd.schemaregistry.v1+json' } });
  expect(response.status).toBe(200);
  return response.json();
}
