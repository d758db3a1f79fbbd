import type { FastifyInstance } from 'fastify';
import { apiPathOf, type GeneratedEndpoint, type RestServerConfig } from '@switchyard/protocol';
import { envelope } from './envelope.js';

/** GET `${apiPath}`: what the API offers (the endpoint registry, by object and by operation) and where its documents are. Public. */
export function registerDiscoveryRoute(app: FastifyInstance, config: RestServerConfig, endpoints: readonly GeneratedEndpoint[]): void {
  if (!config.api.enableDiscovery) return;
  const apiPath = apiPathOf(config.api);
  const count = (key: (e: GeneratedEndpoint) => string) => endpoints.reduce<Record<string, number>>((acc, e) => ({ ...acc, [key(e)]: (acc[key(e)] ?? 0) + 1 }), {});
  app.get(apiPath, { config: { access: 'public' }, schema: { tags: ['discovery'], summary: 'Discovery: endpoints and documents' } }, async (request) =>
    envelope(config.api, request, {
      name: 'switchyard-gateway',
      version: config.api.version,
      apiPath,
      openapi: `${apiPath}/openapi.json`,
      docs: config.api.documentation.enabled ? `${apiPath}/docs` : null,
      meta: config.api.enableMetadata ? `${apiPath}${config.metadata.prefix}` : null,
      registry: { endpoints, total: endpoints.length, byObject: count((e) => e.object), byOperation: count((e) => e.operation) },
    }),
  );
}
