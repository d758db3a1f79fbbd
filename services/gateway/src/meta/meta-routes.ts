import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiPathOf, SwitchyardError, type RestServerConfig } from '@switchyard/protocol';
import { envelope, enveloped, ErrorBodySchema } from '../http/envelope.js';
import { etagOf, type MetaCatalog } from './meta-catalog.js';

const ERRORS = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };
const Name = z.string().min(1).max(200);

/**
 * GET /meta (the types), /meta/:type (its items), /meta/:type/:name (one definition) and
 * /meta/:type/:name/schema (its JSON Schema). Definitions are fixed at start, so with
 * `metadata.enableCache` each answer carries an ETag (hash of the body) and Last-Modified (the
 * gateway's start), and a matching If-None-Match / If-Modified-Since gets 304.
 */
export function registerMetaRoutes(app: FastifyInstance, config: RestServerConfig, catalog: MetaCatalog, startedAt: Date): void {
  if (!config.api.enableMetadata) return;
  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const prefix = `${apiPathOf(config.api)}${config.metadata.prefix}`;
  const lastModified = new Date(Math.floor(startedAt.getTime() / 1000) * 1000);
  const answer = (request: FastifyRequest, reply: FastifyReply, data: unknown) => {
    if (config.metadata.enableCache) {
      const etag = etagOf(data);
      reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('cache-control', `private, max-age=${config.metadata.cacheTtl}`);
      const since = request.headers['if-modified-since'];
      const fresh = request.headers['if-none-match'] !== undefined ? request.headers['if-none-match'].split(',').map((t) => t.trim()).includes(etag) : since !== undefined && Date.parse(since) >= lastModified.getTime();
      if (fresh) return reply.code(304).send();
    }
    return envelope(config.api, request, data);
  };
  const items = (type: string) => {
    const found = catalog.get(type);
    if (!found) throw new SwitchyardError('SY_NOTHING_MATCHED', `No metadata type "${type}".`, { hint: `Types: ${[...catalog.keys()].join(', ')}.`, details: { field: 'params.type' } });
    return found;
  };
  const item = (type: string, name: string) => {
    const found = items(type).get(name);
    if (!found) throw new SwitchyardError('SY_NOTHING_MATCHED', `No ${type} item "${name}".`, { hint: `GET ${prefix}/${type} lists them.`, details: { field: 'params.name' } });
    return found;
  };
  const common = { config: { access: 'authenticated' as const }, schema: { tags: ['meta'], response: { 200: enveloped(config.api, z.unknown()), 304: z.null().describe('Not modified'), ...ERRORS } } };
  zapp.get(prefix, { ...common, schema: { ...common.schema, summary: 'Metadata types' } }, async (request, reply) => answer(request, reply, [...catalog].map(([type, entries]) => ({ type, count: entries.size, href: `${prefix}/${type}` }))));
  zapp.get(`${prefix}/:type`, { ...common, schema: { ...common.schema, summary: 'Items of a metadata type', params: z.strictObject({ type: Name }) } }, async (request, reply) =>
    answer(request, reply, [...items(request.params.type).values()].map((i) => ({ name: i.name, href: `${prefix}/${request.params.type}/${i.name}` }))),
  );
  zapp.get(`${prefix}/:type/:name`, { ...common, schema: { ...common.schema, summary: 'One metadata item', params: z.strictObject({ type: Name, name: Name }) } }, async (request, reply) =>
    answer(request, reply, item(request.params.type, request.params.name).definition),
  );
  zapp.get(`${prefix}/:type/:name/schema`, { ...common, schema: { ...common.schema, summary: "JSON Schema of an item's payload", params: z.strictObject({ type: Name, name: Name }) } }, async (request, reply) =>
    answer(request, reply, item(request.params.type, request.params.name).schema),
  );
}
