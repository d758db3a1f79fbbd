import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CrudOperation, GeneratedEndpoint, RestServerConfig } from '@switchyard/protocol';
import { apiPathOf, SwitchyardError } from '@switchyard/protocol';
import type { ResourceDefinition } from '../resources/resource-definition.js';
import { credentialOf } from './access.js';
import { envelope, enveloped, ErrorBodySchema, listed } from './envelope.js';
import { checkRouteConfig, objectSelected, operationAllowed } from './route-config.js';
import { IDEMPOTENCY_KEY_PATTERN, type IdempotencyCache } from './idempotency.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(256) });
const WriteHeaders = z.looseObject({ 'idempotency-key': z.string().regex(IDEMPOTENCY_KEY_PATTERN, 'expected 1-200 visible ASCII characters').optional() });
const ERRORS = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };

/** The path segment of a resource under `routes.nameTransform`. */
export function segmentOf(name: string, transform: RestServerConfig['routes']['nameTransform']): string {
  if (transform === 'kebab-case') return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replaceAll('_', '-').toLowerCase();
  if (transform === 'camelCase') return name.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (transform === 'plural') return name.endsWith('s') ? name : `${name}s`;
  return name;
}

/** Resources that get routes: in includeObjects (empty = all), not excluded, not disabled by an override. */
export function selectResources(resources: readonly ResourceDefinition[], routes: RestServerConfig['routes']): ResourceDefinition[] {
  return resources.filter((r) => objectSelected(r.name, routes));
}

/**
 * Generates the routes of every selected resource from its definition: create (POST
 * `/data/<name>`), list (GET `/data/<name>`), read (GET `/data/<name>/:id`), delete (DELETE
 * `/data/<name>/:id`), each where the resource has it and the config allows it (`crud.operations`,
 * the object's `routes.overrides`, `crud.patterns` for another method or path); batch and
 * createMany (POST `/data/<name>/batch|createMany`, toggled by `batch.enableBatchEndpoint` and
 * `batch.operations.createMany`, at most `batch.maxBatchSize` items, one transaction).
 * Returns the endpoint registry. @throws SwitchyardError SY_INVALID_CONFIG (see checkRouteConfig).
 */
export function registerResourceRoutes(app: FastifyInstance, config: RestServerConfig, resources: readonly ResourceDefinition[], idempotency: IdempotencyCache): GeneratedEndpoint[] {
  checkRouteConfig(config);
  const endpoints: GeneratedEndpoint[] = [];
  for (const resource of selectResources(resources, config.routes)) {
    const at = routesOf(app, config, resource, idempotency, endpoints);
    createRoute(at);
    batchRoutes(at);
    listRoute(at);
    byIdRoutes(at);
  }
  return endpoints;
}

/** What the route builders of one resource share: where its routes go and how each is recorded. */
interface ResourceRoutes {
  readonly app: FastifyInstance;
  readonly config: RestServerConfig;
  readonly api: RestServerConfig['api'];
  readonly resource: ResourceDefinition;
  readonly idempotency: IdempotencyCache;
  readonly base: string;
  readonly tags: string[];
  /** Records a generated endpoint in the registry. */
  add(method: GeneratedEndpoint['method'], path: string, operation: string, summary: string, description?: string): void;
  /** Method, path and summary of a CRUD operation: its `crud.patterns` entry, else the default. */
  routeOf(op: CrudOperation, method: GeneratedEndpoint['method'], path: string, summary: string): { method: GeneratedEndpoint['method']; url: string; summary: string; description: string | undefined };
}

function routesOf(app: FastifyInstance, config: RestServerConfig, resource: ResourceDefinition, idempotency: IdempotencyCache, endpoints: GeneratedEndpoint[]): ResourceRoutes {
  const api = config.api;
  const segment = segmentOf(resource.name, config.routes.nameTransform);
  const tags = [resource.name];
  return {
    app,
    config,
    api,
    resource,
    idempotency,
    tags,
    base: `${apiPathOf(api)}${config.routes.overrides[resource.name]?.basePath ?? config.crud.dataPrefix}/${segment}`,
    add: (method, path, operation, summary, description) =>
      void endpoints.push({ id: `${resource.name}.${operation}`, method, path, object: resource.name, operation, metadata: { summary, ...(description ? { description } : {}), tags, deprecated: false } }),
    routeOf: (op, method, path, summary) => {
      const pattern = config.crud.patterns?.[op];
      return pattern
        ? { method: pattern.method, url: `${apiPathOf(api)}${pattern.path.replaceAll('{object}', segment)}`, summary: pattern.summary ?? summary, description: pattern.description }
        : { method, url: path, summary, description: undefined };
    },
  };
}

/** POST `/data/<name>` (or its pattern). */
function createRoute({ app, config, api, resource, idempotency, base, tags, add, routeOf }: ResourceRoutes): void {
  const create = resource.create;
  if (!create || !operationAllowed(config, resource.name, 'create')) return;
  const r = routeOf('create', 'POST', base, create.summary);
  app.withTypeProvider<ZodTypeProvider>().route({
    method: r.method,
    url: r.url,
    config: { access: resource.scopes.write, invalidCode: resource.invalidCode },
    schema: { summary: r.summary, ...(r.description ? { description: r.description } : {}), tags, headers: WriteHeaders, body: create.body, response: { 201: enveloped(api, create.response), ...ERRORS } },
    handler: async (request, reply) => idempotent(idempotency, `${resource.name}.create`, request, reply, async () => envelope(api, request, await create.handle(request.body, context(request)))),
  });
  add(r.method, r.url, 'create', r.summary, r.description);
}

/** POST `/data/<name>/batch` and `/createMany`, as `batch` enables them. */
function batchRoutes({ app, config, api, resource, idempotency, base, tags, add }: ResourceRoutes): void {
  const batch = resource.batch;
  if (!batch || !api.enableBatch) return;
  const batchOperations = [...(config.batch.enableBatchEndpoint ? ['batch'] : []), ...(config.batch.operations.createMany ? ['createMany'] : [])];
  const body = z.strictObject({
    items: z.array(batch.item).min(1).max(config.batch.maxBatchSize).describe(`1 to ${config.batch.maxBatchSize} items`),
    atomic: z.literal(true).optional().describe('Batches are atomic (one Kafka transaction); false is not supported'),
  });
  for (const operation of batchOperations) {
    app.withTypeProvider<ZodTypeProvider>().post(`${base}/${operation}`, {
      config: { access: resource.scopes.write, invalidCode: resource.invalidCode },
      schema: { summary: batch.summary, tags, headers: WriteHeaders, body, response: { 201: enveloped(api, batch.response), ...ERRORS } },
      handler: async (request, reply) => idempotent(idempotency, `${resource.name}.batch`, request, reply, async () => envelope(api, request, await batch.handle(request.body.items, context(request)))),
    });
    add('POST', `${base}/${operation}`, operation, batch.summary);
  }
}

/** GET `/data/<name>`: one page, with `meta.pagination` when the envelope includes it. */
function listRoute({ app, config, api, resource, base, tags, add, routeOf }: ResourceRoutes): void {
  const list = resource.list;
  if (!list || !operationAllowed(config, resource.name, 'list')) return;
  const r = routeOf('list', 'GET', base, list.summary);
  app.withTypeProvider<ZodTypeProvider>().route({
    method: r.method,
    url: r.url,
    config: { access: resource.scopes.read },
    schema: { summary: r.summary, ...(r.description ? { description: r.description } : {}), tags, querystring: list.query, response: { 200: listed(api, list.item), ...ERRORS } },
    handler: async (request) => {
      const { items, pagination } = await list.handle(request.query, context(request));
      return api.responseFormat.envelope ? { ...(envelope(api, request, items) as object), ...(api.responseFormat.includePagination ? { pagination } : {}) } : items;
    },
  });
  add(r.method, r.url, 'list', r.summary, r.description);
}

/** Read (GET) and delete (DELETE) of one record by id: the same route with another method and scope. */
function byIdRoutes({ app, config, api, resource, base, tags, add, routeOf }: ResourceRoutes): void {
  const byId = [
    { operation: 'read', method: 'GET', definition: resource.read, access: resource.scopes.read },
    { operation: 'delete', method: 'DELETE', definition: resource.delete, access: resource.scopes.write },
  ] as const;
  for (const { operation, method, definition, access } of byId) {
    if (!definition || !operationAllowed(config, resource.name, operation)) continue;
    const r = routeOf(operation, method, `${base}/:id`, definition.summary);
    app.withTypeProvider<ZodTypeProvider>().route({
      method: r.method,
      url: r.url,
      config: { access },
      schema: { summary: r.summary, ...(r.description ? { description: r.description } : {}), tags, params: IdParams, querystring: definition.query, response: { 200: enveloped(api, definition.response), ...ERRORS } },
      handler: async (request) => envelope(api, request, found(resource.name, request.params.id, await definition.handle(request.params.id, request.query, context(request)))),
    });
    add(r.method, r.url, operation, r.summary, r.description);
  }
}

/** The record, or SY_NOTHING_MATCHED (404) naming `params.id`: unknown and not visible answer alike. */
function found<T>(object: string, id: string, record: T | undefined): T {
  if (record === undefined) throw new SwitchyardError('SY_NOTHING_MATCHED', `No ${object} record with id "${id}" is visible to this credential.`, { hint: 'Check the id (and the queue), and that the credential belongs to the tenant that wrote it.', details: { field: 'params.id' } });
  return record;
}

function context(request: FastifyRequest) {
  return { credential: credentialOf(request), idempotencyKey: request.headers['idempotency-key'] as string | undefined };
}

/** Runs a write once per (credential, route, Idempotency-Key) in this process; a retry gets the first response. */
async function idempotent(cache: IdempotencyCache, route: string, request: FastifyRequest, reply: FastifyReply, write: () => Promise<unknown>): Promise<unknown> {
  const key = request.headers['idempotency-key'] as string | undefined;
  reply.code(201);
  if (key === undefined) return write();
  const scope = `${credentialOf(request).id}\u0000${route}\u0000${key}`;
  const earlier = cache.recall(scope, request.body);
  if (earlier) {
    reply.header('idempotent-replayed', 'true');
    return earlier.response;
  }
  const response = await write();
  cache.remember(scope, request.body, 201, response);
  return response;
}
