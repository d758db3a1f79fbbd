import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;
/** Keys of tenant acme (every tenant scope), tenant globex (likewise), and acme with read scopes only. */
let acme: string;
let globex: string;
let acmeReadOnly: string;
/** A task of acme. */
let acmeTask: string;

const EMAIL = { type: 'send_email', payload: { to: 'ada@example.com', subject: 'hi' } };

beforeAll(async () => {
  gw = await startTestGateway();
  const all = ['tasks:write', 'tasks:read', 'events:write', 'events:read'] as const;
  [acme, globex, acmeReadOnly] = await Promise.all([gw.key('acme', all), gw.key('globex', all), gw.key('acme', ['tasks:read', 'events:read'])]);
  acmeTask = (await gw.call('POST', '/data/tasks', { key: acme, body: EMAIL })).body.data.id;
});
afterAll(async () => gw?.close());

/** Every route that needs a credential, with a request that would succeed for acme's full key. */
function routes(): { name: string; method: string; path: string; body?: unknown; scope: string }[] {
  return [
    { name: 'create task', method: 'POST', path: '/data/tasks', body: EMAIL, scope: 'tasks:write' },
    { name: 'batch tasks', method: 'POST', path: '/data/tasks/batch', body: { items: [EMAIL] }, scope: 'tasks:write' },
    { name: 'createMany tasks', method: 'POST', path: '/data/tasks/createMany', body: { items: [EMAIL] }, scope: 'tasks:write' },
    { name: 'read task', method: 'GET', path: `/data/tasks/${acmeTask}`, scope: 'tasks:read' },
    { name: 'list tasks', method: 'GET', path: '/data/tasks', scope: 'tasks:read' },
    { name: 'cancel task', method: 'DELETE', path: `/data/tasks/${acmeTask}`, scope: 'tasks:write' },
    { name: 'publish event', method: 'POST', path: '/data/events', body: { name: gw.eventName, payload: { greeting: 'hi' } }, scope: 'events:write' },
    { name: 'batch events', method: 'POST', path: '/data/events/batch', body: { items: [{ name: gw.eventName, payload: { greeting: 'hi' } }] }, scope: 'events:write' },
    { name: 'list dead letters', method: 'GET', path: '/data/dead-letters', scope: 'tasks:read' },
    { name: 'list event types', method: 'GET', path: '/data/event-types', scope: 'events:read' },
    { name: 'read event type', method: 'GET', path: `/data/event-types/${gw.eventName}`, scope: 'events:read' },
    { name: 'list queues', method: 'GET', path: '/data/queues', scope: 'admin' },
    { name: 'read queue', method: 'GET', path: `/data/queues/${gw.queue}`, scope: 'admin' },
    { name: 'list subscriptions', method: 'GET', path: '/data/subscriptions', scope: 'admin' },
    { name: 'read subscription', method: 'GET', path: '/data/subscriptions/some-sub', scope: 'admin' },
    { name: 'meta', method: 'GET', path: '/meta', scope: 'any' },
    { name: 'meta schema', method: 'GET', path: '/meta/task-types/send_email/schema', scope: 'any' },
    { name: 'list keys', method: 'GET', path: '/admin/api-keys', scope: 'admin' },
    { name: 'create key', method: 'POST', path: '/admin/api-keys', body: { tenant: 'acme', scopes: ['admin'] }, scope: 'admin' },
    { name: 'revoke key', method: 'DELETE', path: '/admin/api-keys/0123456789abcdef', scope: 'admin' },
    { name: 'redrive dead letters', method: 'POST', path: '/data/dead-letters/redrive', body: { queue: gw.queue, dryRun: true }, scope: 'admin' },
    { name: 'purge dead letters', method: 'POST', path: '/data/dead-letters/purge', body: { queue: gw.queue }, scope: 'admin' },
    { name: 'read offsets', method: 'GET', path: '/offsets/some-group', scope: 'admin' },
    { name: 'reset offsets', method: 'POST', path: '/offsets/some-group/reset', body: { topics: ['some-topic'], toEarliest: true, dryRun: true }, scope: 'admin' },
    { name: 'start replay', method: 'POST', path: '/replays', body: { topic: 'some-topic', from: '1h', dryRun: true }, scope: 'admin' },
    { name: 'list replays', method: 'GET', path: '/replays', scope: 'admin' },
    { name: 'read replay', method: 'GET', path: '/replays/some-job', scope: 'admin' },
    { name: 'cancel replay', method: 'DELETE', path: '/replays/some-job', scope: 'admin' },
  ];
}

describe('gateway: the tenant matrix', () => {
  it('every route refuses a request without a credential, or with a malformed or unknown one: 401, nothing else said', async () => {
    for (const route of routes()) {
      for (const key of [undefined, 'sy_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'garbage', 'a.b.c']) {
        const { status, body } = await gw.call(route.method, route.path, { ...(key ? { key } : {}), ...(route.body ? { body: route.body } : {}) });
        expect({ route: route.name, key, status, code: body.code }).toEqual({ route: route.name, key, status: 401, code: 'SY_UNAUTHENTICATED' });
        expect(Object.keys(body).sort()).toEqual(['code', 'field', 'hint', 'message', 'requestId']);
      }
    }
  });

  it('every route refuses a credential without its scope: 403 (tenant routes) and admin routes refuse tenant keys', async () => {
    for (const route of routes().filter((r) => r.scope !== 'any' && r.scope !== 'tasks:read' && r.scope !== 'events:read')) {
      for (const key of route.scope === 'admin' ? [acme, acmeReadOnly] : [acmeReadOnly]) {
        const { status, body } = await gw.call(route.method, route.path, { key, ...(route.body ? { body: route.body } : {}) });
        expect({ route: route.name, status, code: body.code }).toEqual({ route: route.name, status: 403, code: 'SY_FORBIDDEN' });
      }
    }
    const writeOnly = await gw.key('acme', ['tasks:write']);
    expect((await gw.call('GET', `/data/tasks/${acmeTask}`, { key: writeOnly })).status).toBe(403);
  });

  it("another tenant's credential never sees a task: the same 404 as an unknown id; writes naming another tenant are 403", async () => {
    const foreign = await gw.call('GET', `/data/tasks/${acmeTask}`, { key: globex });
    const unknown = await gw.call('GET', '/data/tasks/no-such-task', { key: globex });
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, message: undefined, requestId: undefined }).toEqual({ ...unknown.body, message: undefined, requestId: undefined });
    expect(JSON.stringify(foreign.body)).not.toContain('acme');
    expect((await gw.call('GET', `/data/tasks/${acmeTask}`, { key: acmeReadOnly })).body.data).toMatchObject({ id: acmeTask, tenant: 'acme' });
    expect((await gw.call('GET', `/data/tasks/${acmeTask}`, { key: gw.adminKey })).body.data).toMatchObject({ id: acmeTask, tenant: 'acme' });

    const naming = await gw.call('POST', '/data/tasks', { key: globex, body: { ...EMAIL, tenant: 'acme' } });
    expect(naming.body).toMatchObject({ code: 'SY_FORBIDDEN', field: 'tenant' });
    const inBatch = await gw.call('POST', '/data/tasks/batch', { key: globex, body: { items: [EMAIL, { ...EMAIL, tenant: 'acme' }] } });
    expect(inBatch.body).toMatchObject({ code: 'SY_FORBIDDEN', field: 'items[1].tenant' });
    // globex's own task is globex's: acme cannot read it.
    const globexTask = (await gw.call('POST', '/data/tasks', { key: globex, body: EMAIL })).body.data.id;
    expect((await gw.call('GET', `/data/tasks/${globexTask}`, { key: acme })).status).toBe(404);
    expect((await gw.call('GET', `/data/tasks/${globexTask}`, { key: globex })).body.data).toMatchObject({ tenant: 'globex' });
    // Lists and cancels: globex's list holds none of acme's tasks, a cancel of acme's task is the 404 of an unknown id.
    const globexList = await gw.call('GET', '/data/tasks?limit=200', { key: globex });
    expect(globexList.body.data.map((t: { tenant: string }) => t.tenant)).toEqual(globexList.body.data.map(() => 'globex'));
    expect(JSON.stringify(globexList.body)).not.toContain(acmeTask);
    const foreignCancel = await gw.call('DELETE', `/data/tasks/${acmeTask}`, { key: globex });
    const unknownCancel = await gw.call('DELETE', '/data/tasks/no-such-task', { key: globex });
    expect(foreignCancel.status).toBe(404);
    expect({ ...foreignCancel.body, message: undefined, requestId: undefined }).toEqual({ ...unknownCancel.body, message: undefined, requestId: undefined });
    expect((await gw.call('GET', '/data/tasks?limit=200', { key: acme })).body.data.map((t: { id: string }) => t.id)).toContain(acmeTask);
    // Cluster-wide reads refuse an admin key bound to a tenant.
    const acmeAdmin = await gw.key('acme', ['admin']);
    for (const path of ['/data/queues', `/data/queues/${gw.queue}`, '/data/subscriptions', '/data/subscriptions/some-sub']) {
      expect({ path, status: (await gw.call('GET', path, { key: acmeAdmin })).status }).toEqual({ path, status: 403 });
    }
  });
});

describe('gateway: JWT bearer tokens (local JWKS)', () => {
  it('takes tenant and scopes from the claims; refuses expired, foreign-issuer and tenantless tokens', async () => {
    const token = await gw.jwks.sign({ sub: 'svc-billing', tenant: 'acme', scope: 'tasks:write tasks:read' });
    const created = await gw.call('POST', '/data/tasks', { key: token, body: EMAIL });
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: token })).body.data).toMatchObject({ id, tenant: 'acme' });
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: acmeReadOnly })).status).toBe(200);
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: globex })).status).toBe(404);
    expect((await gw.call('POST', '/data/events', { key: token, body: { name: gw.eventName, payload: { greeting: 'x' } } })).status).toBe(403);

    const expired = await gw.jwks.sign({ tenant: 'acme', scope: 'tasks:read' }, { expiresIn: '-1m' });
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: expired })).body).toMatchObject({ code: 'SY_UNAUTHENTICATED', message: expect.stringContaining('expired') });
    const foreignIssuer = await gw.jwks.sign({ tenant: 'acme', scope: 'tasks:read' }, { issuer: 'https://evil.test' });
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: foreignIssuer })).status).toBe(401);
    const tenantless = await gw.jwks.sign({ scope: 'tasks:read' });
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: tenantless })).body).toMatchObject({ code: 'SY_UNAUTHENTICATED', message: expect.stringContaining('tenant') });
    const [header, payload] = token.split('.');
    expect((await gw.call('GET', `/data/tasks/${id}`, { key: `${header}.${payload}.AAAA` })).status).toBe(401);
  });
});
