import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { GeneratedEndpoint, RestServerConfig } from '@switchyard/protocol';
import { apiPathOf, SwitchyardError } from '@switchyard/protocol';
import type { ResourceDefinition } from '../resources/resource-definition.js';
import { credentialOf } from './access.js';
import { envelope, enveloped, ErrorBodySchema, listed } from './envelope.js';
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
  return resources.filter((r) => (routes.includeObjects.length === 0 || routes.includeObjects.includes(r.name)) && !routes.excludeObjects.includes(r.name) && routes.overrides[r.name]?.enabled !== false);
}

/**
 * Generates the routes of every selected resource from its definition: create (POST
 * `/data/<name>`), read (GET `/data/<name>/:id`), batch and createMany (POST
 * `/data/<name>/batch|createMany`, at most `batch.maxBatchSize` items, one transaction).
 * Returns the endpoint registry.
 */
export function registerResourceRoutes(app: FastifyInstance, config: RestServerConfig, resources: readonly ResourceDefinition[], idempotency: IdempotencyCache): GeneratedEndpoint[] {
  const api = config.api;
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const endpoints: GeneratedEndpoint[] = [];
  for (const resource of selectResources(resources, config.routes)) {
    const override = config.routes.overrides[resource.name];
    const allowed = (op: 'create' | 'read' | 'list') => api.enableCrud && config.crud.operations[op] && override?.operations?.[op] !== false;
    const base = `${apiPathOf(api)}${override?.basePath ?? config.crud.dataPrefix}/${segmentOf(resource.name, config.routes.nameTransform)}`;
    const tags = [resource.name];
    const add = (method: 'GET' | 'POST', path: string, operation: string, summary: string) => endpoints.push({ id: `${resource.name}.${operation}`, method, path, object: resource.name, operation, metadata: { summary, tags, deprecated: false } });
    const { create, read, batch, list } = resource;
    if (create && allowed('create')) {
      zapp.post(base, {
        config: { access: resource.scopes.write, invalidCode: resource.invalidCode },
        schema: { summary: create.summary, tags, headers: WriteHeaders, body: create.body, response: { 201: enveloped(api, create.response), ...ERRORS } },
        handler: async (request, reply) => idempotent(idempotency, `${resource.name}.create`, request, reply, async () => envelope(api, request, await create.handle(request.body, context(request)))),
      });
      add('POST', base, 'create', create.summary);
    }
    if (batch && api.enableBatch && config.batch.enableBatchEndpoint) {
      const body = z.strictObject({
        items: z.array(batch.item).min(1).max(config.batch.maxBatchSize).describe(`1 to ${config.batch.maxBatchSize} items`),
        atomic: z.literal(true).optional().describe('Batches are atomic (one Kafka transaction); false is not supported'),
      });
      for (const operation of config.batch.operations.createMany ? ['batch', 'createMany'] : ['batch']) {
        zapp.post(`${base}/${operation}`, {
          config: { access: resource.scopes.write, invalidCode: resource.invalidCode },
          schema: { summary: batch.summary, tags, headers: WriteHeaders, body, response: { 201: enveloped(api, batch.response), ...ERRORS } },
          handler: async (request, reply) => idempotent(idempotency, `${resource.name}.batch`, request, reply, async () => envelope(api, request, await batch.handle(request.body.items, context(request)))),
        });
        add('POST', `${base}/${operation}`, operation, batch.summary);
      }
    }
    if (list && allowed('list')) {
      zapp.get(base, {
        config: { access: resource.scopes.read },
        schema: { summary: list.summary, tags, querystring: list.query, response: { 200: listed(api, list.item), ...ERRORS } },
        handler: async (request) => {
          const { items, pagination } = await list.handle(request.query, context(request));
          return api.responseFormat.envelope ? { ...(envelope(api, request, items) as object), ...(api.responseFormat.includePagination ? { pagination } : {}) } : items;
        },
      });
      add('GET', base, 'list', list.summary);
    }
    if (read && allowed('read')) {
      zapp.get(`${base}/:id`, {
        config: { access: resource.scopes.read },
        schema: { summary: read.summary, tags, params: IdParams, querystring: read.query, response: { 200: enveloped(api, read.response), ...ERRORS } },
        handler: async (request) => {
          const found = await read.handle(request.params.id, request.query, context(request));
          if (found === undefined) throw new SwitchyardError('SY_NOTHING_MATCHED', `No ${resource.name} record with id "${request.params.id}" is visible to this credential.`, { hint: 'Check the id (and the queue), and that the credential belongs to the tenant that wrote it.', details: { field: 'params.id' } });
          return envelope(api, request, found);
        },
      });
      add('GET', `${base}/:id`, 'read', read.summary);
    }
  }
  return endpoints;
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
