import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { laneTopics, taskStatusTopic } from '@switchyard/kafka';
import { testClient } from '@switchyard/testing';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;
let acme: string;

beforeAll(async () => {
  gw = await startTestGateway();
  acme = await gw.key('acme', ['tasks:write', 'tasks:read', 'events:write', 'events:read']);
});
afterAll(async () => gw?.close());

/** Sum of the high watermarks of the queue's lanes and status topic: any record or transaction marker written moves it. */
async function queueEnd(queue: string): Promise<bigint> {
  const admin = testClient().admin();
  await admin.connect();
  try {
    let sum = 0n;
    for (const topic of [...laneTopics(queue), taskStatusTopic(queue)]) for (const o of await admin.topicOffsets(topic)) sum += BigInt(o.high);
    return sum;
  } finally {
    await admin.disconnect();
  }
}

describe('gateway: tasks', () => {
  it('enqueues a typed task and serves its status to its tenant', async () => {
    const created = await gw.call('POST', '/data/tasks', { key: acme, body: { type: 'send_email', payload: { to: 'ada@example.com', subject: 'hi' }, priority: 'high' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, data: { type: 'send_email', queue: gw.queue, status: 'queued', topic: `tasks.${gw.queue}.high` }, meta: { apiVersion: 'v1' } });
    expect(created.headers.get('x-ratelimit-limit')).toBe('100000');
    const id = created.body.data.id as string;
    const read = await gw.call('GET', `/data/tasks/${id}`, { key: acme });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id, type: 'send_email', queue: gw.queue, tenant: 'acme', status: 'queued', attempt: 0 });
  });

  it('answers 404 SY_NOTHING_MATCHED for an unknown id, and 400 naming the field for a bad queue', async () => {
    const unknown = await gw.call('GET', '/data/tasks/no-such-task', { key: acme });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'SY_NOTHING_MATCHED', field: 'params.id' });
    const badQueue = await gw.call('GET', '/data/tasks/x?queue=nope', { key: acme });
    expect(badQueue.status).toBe(400);
    expect(badQueue.body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'query.queue' });
  });

  it('refuses an invalid payload with 400 naming the field', async () => {
    const bad = await gw.call('POST', '/data/tasks', { key: acme, body: { type: 'send_email', payload: { to: 'not-an-email', subject: 'x' } } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'SY_INVALID_TASK', field: 'payload.to' });
    const unknownType = await gw.call('POST', '/data/tasks', { key: acme, body: { type: 'mine_bitcoin', payload: {} } });
    expect(unknownType.body).toMatchObject({ code: 'SY_INVALID_TASK', field: 'type' });
  });

  it('a batch with one invalid item is refused whole: 400 naming the item, nothing written', async () => {
    const before = await queueEnd(gw.queue);
    const items = [
      { type: 'send_email', payload: { to: 'a@example.com', subject: '1' } },
      { type: 'resize_image', payload: { url: 'https://example.com/a.png', width: 0 } },
      { type: 'send_email', payload: { to: 'c@example.com', subject: '3' } },
    ];
    const refused = await gw.call('POST', '/data/tasks/batch', { key: acme, body: { items } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'SY_INVALID_TASK', field: 'items[1].payload.width' });
    expect(await queueEnd(gw.queue)).toBe(before);

    items[1]!.payload.width = 640;
    const accepted = await gw.call('POST', '/data/tasks/batch', { key: acme, body: { items } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.data.map((r: { type: string }) => r.type)).toEqual(['send_email', 'resize_image', 'send_email']);
    for (const { id } of accepted.body.data) expect((await gw.call('GET', `/data/tasks/${id}`, { key: acme })).body.data).toMatchObject({ id, status: 'queued', tenant: 'acme' });
  });

  it('refuses more than maxBatchSize (200) items, naming items', async () => {
    const items = Array.from({ length: 201 }, (_, i) => ({ type: 'send_email', payload: { to: `u${i}@example.com`, subject: 's' } }));
    const refused = await gw.call('POST', '/data/tasks/createMany', { key: acme, body: { items } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'SY_INVALID_TASK', field: 'items' });
  });

  it('Idempotency-Key: a retry returns the same task id without writing again; another body is 422', async () => {
    const body = { type: 'send_email', payload: { to: 'ada@example.com', subject: 'once' } };
    const first = await gw.call('POST', '/data/tasks', { key: acme, body, headers: { 'idempotency-key': 'order-42' } });
    const end = await queueEnd(gw.queue);
    const retry = await gw.call('POST', '/data/tasks', { key: acme, body, headers: { 'idempotency-key': 'order-42' } });
    expect(retry.status).toBe(201);
    expect(retry.body.data.id).toBe(first.body.data.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await queueEnd(gw.queue)).toBe(end);
    const other = await gw.call('POST', '/data/tasks', { key: acme, body: { ...body, payload: { ...body.payload, subject: 'twice' } }, headers: { 'idempotency-key': 'order-42' } });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'SY_IDEMPOTENCY_MISMATCH', field: 'headers.idempotency-key' });
    const globex = await gw.key('globex', ['tasks:write']);
    const otherCredential = await gw.call('POST', '/data/tasks', { key: globex, body, headers: { 'idempotency-key': 'order-42' } });
    expect(otherCredential.body.data.id).not.toBe(first.body.data.id);
  });

  it('a body over the limit is 413 SY_PAYLOAD_TOO_LARGE', async () => {
    const big = await gw.call('POST', '/data/tasks', { key: acme, body: { type: 'send_email', payload: { to: 'a@example.com', subject: 'x'.repeat(70 * 1024) } } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ code: 'SY_PAYLOAD_TOO_LARGE', field: 'body' });
  });
});

describe('gateway: events', () => {
  it('publishes a typed event stamped with the tenant, one by one and as a batch', async () => {
    const one = await gw.call('POST', '/data/events', { key: acme, body: { name: gw.eventName, payload: { greeting: 'hello' }, metadata: { correlationId: 'c-1' } } });
    expect(one.status).toBe(201);
    expect(one.body.data).toMatchObject({ name: gw.eventName, topic: expect.stringContaining(gw.eventName.split('.')[0]!) });
    const batch = await gw.call('POST', '/data/events/batch', { key: acme, body: { items: [{ name: gw.eventName, payload: { greeting: 'a' } }, { name: gw.eventName, payload: { greeting: 'b' } }] } });
    expect(batch.status).toBe(201);
    expect(batch.body.data).toHaveLength(2);
    const bad = await gw.call('POST', '/data/events', { key: acme, body: { name: gw.eventName, payload: { greeting: 7 } } });
    expect(bad.body).toMatchObject({ code: 'SY_INVALID_EVENT', field: 'payload.greeting' });
    const foreign = await gw.call('POST', '/data/events', { key: acme, body: { name: gw.eventName, payload: { greeting: 'x' }, metadata: { tenantId: 'globex' } } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ code: 'SY_FORBIDDEN', field: 'metadata.tenantId' });
  });
});

describe('gateway: metadata, discovery, OpenAPI', () => {
  it('/meta, /meta/:type, /meta/:type/:name and its schema, with ETag and Last-Modified (304 when unchanged)', async () => {
    const types = await gw.call('GET', '/meta', { key: acme });
    expect(types.body.data.map((t: { type: string }) => t.type)).toEqual(['task-types', 'event-types', 'objects']);
    expect((await gw.call('GET', '/meta/task-types', { key: acme })).body.data.map((i: { name: string }) => i.name)).toEqual(['send_email', 'resize_image']);
    expect((await gw.call('GET', '/meta/task-types/send_email', { key: acme })).body.data).toEqual({ type: 'send_email', queue: gw.queue, description: null });
    const schema = await gw.call('GET', '/meta/task-types/send_email/schema', { key: acme });
    expect(schema.body.data).toMatchObject({ type: 'object', properties: { to: { type: 'string', format: 'email' } }, required: ['to', 'subject'] });
    const etag = schema.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(Date.parse(schema.headers.get('last-modified')!)).not.toBeNaN();
    const again = await gw.call('GET', '/meta/task-types/send_email/schema', { key: acme, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const since = await gw.call('GET', '/meta/task-types/send_email/schema', { key: acme, headers: { 'if-modified-since': schema.headers.get('last-modified')! } });
    expect(since.status).toBe(304);
    expect((await gw.call('GET', '/meta/queues', { key: acme })).body).toMatchObject({ code: 'SY_NOTHING_MATCHED', field: 'params.type' });
    expect((await gw.call('GET', '/meta/task-types/nope', { key: acme })).body).toMatchObject({ code: 'SY_NOTHING_MATCHED', field: 'params.name' });
  });

  it('discovery lists the generated endpoints and the operator routes; unknown routes are 404 SY_ROUTE_NOT_FOUND', async () => {
    const discovery = await gw.call('GET', '');
    expect(discovery.status).toBe(200);
    expect(discovery.body.data.registry.byObject).toEqual({ tasks: 6, events: 5, 'dead-letters': 3, 'event-types': 2, queues: 2, subscriptions: 2, webhooks: 7, offsets: 2, replays: 4 });
    expect(discovery.body.data.registry.endpoints.map((e: { id: string }) => e.id)).toEqual([
      ...['tasks.create', 'tasks.batch', 'tasks.createMany', 'tasks.list', 'tasks.read', 'tasks.delete', 'events.create', 'events.batch', 'events.createMany', 'events.list', 'events.read', 'dead-letters.list'],
      ...['event-types.list', 'event-types.read', 'queues.list', 'queues.read', 'subscriptions.list', 'subscriptions.read'],
      ...['webhooks.create', 'webhooks.list', 'webhooks.read', 'webhooks.delete'],
      ...['dead-letters.redrive', 'dead-letters.purge', 'offsets.read', 'offsets.reset', 'replays.create', 'replays.list', 'replays.read', 'replays.cancel'],
      ...['webhooks.rotate-secret', 'webhooks.disable', 'webhooks.enable'],
    ]);
    expect(discovery.body.data.registry.endpoints.find((e: { id: string }) => e.id === 'replays.cancel')).toMatchObject({ method: 'DELETE', path: '/api/v1/replays/:id', object: 'replays', operation: 'cancel' });
    expect((await gw.call('GET', '/nothing-here')).body).toMatchObject({ code: 'SY_ROUTE_NOT_FOUND' });
  });

  it('serves a valid OpenAPI 3.1 document holding every registered payload schema, and the docs UI', async () => {
    const { status, body } = await gw.call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const text = JSON.stringify(body);
    const createTask = body.paths['/api/v1/data/tasks'].post.requestBody.content['application/json'].schema;
    const types = createTask.oneOf.map((o: { properties: { type: { enum: string[] } } }) => o.properties.type.enum[0]);
    expect(types).toEqual(['send_email', 'resize_image']);
    expect(text).toContain(`"enum":["${gw.eventName}"]`);
    expect(text).toContain(`"greeting":{"type":"string","minLength":1,"maxLength":100}`);
    expect(body.paths['/api/v1/data/tasks/{id}'].get).toBeDefined();
    expect(Object.keys(body.paths['/api/v1/data/tasks/{id}']).sort()).toEqual(['delete', 'get']);
    for (const object of ['event-types', 'queues', 'subscriptions']) expect(Object.keys(body.paths[`/api/v1/data/${object}/{id}`])).toEqual(['get']);
    expect(body.paths['/api/v1/data/tasks'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['queue', 'status', 'type', 'limit', 'cursor']));
    // The operator routes, with their body schemas.
    expect(Object.keys(body.paths['/api/v1/replays/{id}']).sort()).toEqual(['delete', 'get']);
    expect(body.paths['/api/v1/replays'].post.requestBody.content['application/json'].schema.properties.topic).toMatchObject({ type: 'string' });
    expect(body.paths['/api/v1/data/dead-letters/redrive'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('dryRun');
    expect(body.paths['/api/v1/offsets/{group}/reset'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('toDatetime');
    expect(body.paths['/api/v1/offsets/{group}'].get).toBeDefined();
    const docs = await fetch(`${gw.api}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
  });
});

describe('gateway: API keys', () => {
  it('an admin creates a key (shown once), lists it without its secret and revokes it; the revoked key is refused', async () => {
    const created = await gw.call('POST', '/admin/api-keys', { key: gw.adminKey, body: { tenant: 'initech', scopes: ['tasks:read'], name: 'ci' } });
    expect(created.status).toBe(201);
    const { key, keyId } = created.body.data;
    expect(key).toMatch(/^sy_[0-9a-f]{16}_/);
    const listed = await gw.call('GET', '/admin/api-keys', { key: gw.adminKey });
    const entry = listed.body.data.find((k: { keyId: string }) => k.keyId === keyId);
    expect(entry).toEqual({ keyId, tenant: 'initech', scopes: ['tasks:read'], name: 'ci', createdAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect((await gw.call('GET', '/data/tasks/x', { key })).status).toBe(404);
    expect((await gw.call('DELETE', `/admin/api-keys/${keyId}`, { key: gw.adminKey })).status).toBe(200);
    expect((await gw.call('GET', '/data/tasks/x', { key })).body).toMatchObject({ code: 'SY_UNAUTHENTICATED' });
    const noTenant = await gw.call('POST', '/admin/api-keys', { key: gw.adminKey, body: { scopes: ['tasks:read'] } });
    expect(noTenant.body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'tenant' });
  });
});
