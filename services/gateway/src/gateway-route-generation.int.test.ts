import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

/**
 * RestServerConfig's route generation over real HTTP: a config that disables, excludes, renames
 * and re-paths gives exactly the expected route set, in discovery and in OpenAPI, and a removed
 * route is a 404.
 */
let gw: TestGateway;
let acme: string;

beforeAll(async () => {
  gw = await startTestGateway({
    rest: {
      crud: { operations: { delete: false }, patterns: { read: { method: 'GET', path: '/records/{object}/:id', summary: 'Read one record' } } },
      batch: { enableBatchEndpoint: false, maxBatchSize: 2 },
      routes: {
        includeObjects: ['tasks', 'events', 'dead-letters', 'replays'],
        excludeObjects: ['replays'],
        nameTransform: 'camelCase',
        overrides: { tasks: { operations: { list: false } }, events: { basePath: '/bus', operations: { create: false } } },
      },
    },
  });
  acme = await gw.key('acme', ['tasks:write', 'tasks:read', 'events:write', 'events:read']);
});
afterAll(async () => gw?.close());

const EXPECTED = [
  ['tasks.create', 'POST', '/api/v1/data/tasks'],
  ['tasks.createMany', 'POST', '/api/v1/data/tasks/createMany'],
  ['tasks.read', 'GET', '/api/v1/records/tasks/:id'],
  ['events.createMany', 'POST', '/api/v1/bus/events/createMany'],
  ['events.list', 'GET', '/api/v1/bus/events'],
  ['events.read', 'GET', '/api/v1/records/events/:id'],
  ['dead-letters.list', 'GET', '/api/v1/data/deadLetters'],
  ['dead-letters.redrive', 'POST', '/api/v1/data/deadLetters/redrive'],
  ['dead-letters.purge', 'POST', '/api/v1/data/deadLetters/purge'],
];

describe('gateway: route generation from RestServerConfig', () => {
  it('discovery lists exactly the configured endpoints', async () => {
    const { status, body } = await gw.call('GET', '');
    expect(status).toBe(200);
    expect(body.data.registry.endpoints.map((e: { id: string; method: string; path: string }) => [e.id, e.method, e.path])).toEqual(EXPECTED);
    expect(body.data.registry.endpoints.find((e: { id: string }) => e.id === 'tasks.read').metadata.summary).toBe('Read one record');
  });

  it('OpenAPI holds exactly the configured data routes, with their methods', async () => {
    const { body } = await gw.call('GET', '/openapi.json');
    const fixed = new Set(['/api/v1', '/healthz', '/api/v1/stream', '/api/v1/stream/poll']);
    const paths = Object.entries(body.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => !fixed.has(path) && !path.startsWith('/api/v1/meta') && !path.startsWith('/api/v1/admin') && !path.startsWith('/api/v1/docs'))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(paths).toEqual(EXPECTED.map(([, method, path]) => `${method} ${path!.replace(':id', '{id}')}`).sort());
  });

  it('a removed route is 404 SY_ROUTE_NOT_FOUND; the kept ones work, with the configured batch limit', async () => {
    const removed: [string, string][] = [
      ['POST', '/data/tasks/batch'],
      ['GET', '/data/tasks/some-id'],
      ['GET', '/data/tasks'],
      ['POST', '/data/events'],
      ['POST', '/bus/events'],
      ['GET', '/data/dead-letters'],
      ['GET', '/replays'],
      ['GET', '/offsets/some-group'],
    ];
    for (const [method, path] of removed) {
      const reply = await gw.call(method, path, { key: acme, ...(method === 'POST' ? { body: {} } : {}) });
      expect({ method, path, status: reply.status, code: reply.body.code }).toEqual({ method, path, status: 404, code: 'SY_ROUTE_NOT_FOUND' });
    }
    const item = { type: 'send_email', payload: { to: 'ada@example.com', subject: 'hi' } };
    expect((await gw.call('POST', '/data/tasks/createMany', { key: acme, body: { items: [item, item, item] } })).body).toMatchObject({ code: 'SY_INVALID_TASK', field: 'items' });
    const two = await gw.call('POST', '/data/tasks/createMany', { key: acme, body: { items: [item, item] } });
    expect(two.status).toBe(201);
    const read = await gw.call('GET', `/records/tasks/${two.body.data[0].id}`, { key: acme });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: two.body.data[0].id, tenant: 'acme' });
    expect((await gw.call('POST', '/bus/events/createMany', { key: acme, body: { items: [{ name: gw.eventName, payload: { greeting: 'hi' } }] } })).status).toBe(201);
  });

  it('/meta/objects lists only the generated objects', async () => {
    const { body } = await gw.call('GET', '/meta/objects', { key: acme });
    expect(body.data.map((o: { name: string }) => o.name)).toEqual(['tasks', 'events', 'dead-letters']);
  });
});
