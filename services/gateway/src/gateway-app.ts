import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { apiPathOf, byteSizeOf, type HttpServerConfig, type RestServerConfig } from '@switchyard/protocol';
import type { Logger } from '@switchyard/kafka';
import type { RealtimeHub } from '@switchyard/realtime';
import type { ApiKeyStore } from './auth/api-key-store.js';
import { registerApiKeyRoutes } from './auth/api-key.routes.js';
import type { Authenticator } from './auth/authenticator.js';
import { errorReply } from './errors/error-reply.js';
import { GatewayError } from './errors/gateway-error.js';
import { installAccessHook } from './http/access.js';
import { registerDiscoveryRoute } from './http/discovery-route.js';
import { IdempotencyCache } from './http/idempotency.js';
import { RateLimiter } from './http/rate-limiter.js';
import { registerResourceRoutes, selectResources } from './http/resource-routes.js';
import { buildMetaCatalog } from './meta/meta-catalog.js';
import { registerMetaRoutes } from './meta/meta-routes.js';
import { registerOperatorRoutes, type OperatorDeps } from './operator/operator-routes.js';
import { registerStreamRoutes } from './realtime/stream.routes.js';
import type { ResourceDefinition } from './resources/resource-definition.js';
import type { TypeRegistry } from './resources/type-definitions.js';

export interface GatewayAppDeps {
  readonly rest: RestServerConfig;
  readonly http: HttpServerConfig;
  readonly resources: readonly ResourceDefinition[];
  readonly types: TypeRegistry;
  readonly keys: ApiKeyStore;
  readonly authenticator: Authenticator;
  readonly log: Logger;
  /** The operator routes (DLQ redrive/purge, offsets, replay jobs); none without. */
  readonly operator?: OperatorDeps;
  /** The realtime streams (SSE, WebSocket) over this hub; none without. */
  readonly realtime?: RealtimeHub;
  readonly extraRoutes?: (app: FastifyInstance) => void;
}

/**
 * The gateway's fastify app (not listening yet): zod type provider, OpenAPI 3.1 from the route
 * schemas, access hook (auth, rate limit, scope), generated resource routes, operator routes, /meta, discovery,
 * admin key routes, and one error handler that answers `{code, message, field}`.
 */
export async function buildGatewayApp(deps: GatewayAppDeps): Promise<FastifyInstance> {
  const { rest, http } = deps;
  const apiPath = apiPathOf(rest.api);
  const app = Fastify({ logger: false, bodyLimit: byteSizeOf(http.bodyLimit), requestTimeout: http.requestTimeout, trustProxy: http.trustProxy, return503OnClosing: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const rate = http.security?.rateLimit;
  installAccessHook(app, deps.authenticator, new RateLimiter(rate?.enabled === false ? { max: Number.MAX_SAFE_INTEGER, windowMs: 60_000 } : { max: rate?.max ?? 100, windowMs: rate?.windowMs ?? 60_000 }));
  app.setErrorHandler((error, request, reply) => {
    const { status, body, headers } = errorReply(error, request.routeOptions.config?.invalidCode ?? 'SY_INVALID_ARGUMENT');
    if (status >= 500) deps.log.error({ err: error, requestId: request.id, url: request.url }, 'gateway request failed');
    return reply.code(status).headers(headers).send({ ...body, requestId: request.id });
  });
  app.setNotFoundHandler((request) => {
    throw new GatewayError('SY_ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`, { hint: `GET ${apiPath} lists the endpoints.` });
  });
  const docs = rest.api.documentation;
  // The docs UI's own routes (registered by the plugin) are public.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(`${apiPath}/docs`)) route.config = { ...(route.config as object), access: 'public' } as never;
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: docs.title, version: docs.version ?? rest.api.version, ...(docs.description ? { description: docs.description } : {}), ...(docs.termsOfService ? { termsOfService: docs.termsOfService } : {}), ...(docs.contact ? { contact: docs.contact } : {}), ...(docs.license ? { license: docs.license } : {}) },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (sy_...) or a JWT of the configured issuer' }, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  if (docs.enabled) await app.register(fastifySwaggerUi, { routePrefix: `${apiPath}/docs`, uiConfig: { url: `${apiPath}/openapi.json` } as never, uiHooks: {}, transformSpecificationClone: true });
  const endpoints = [...registerResourceRoutes(app, rest, deps.resources, new IdempotencyCache()), ...(deps.operator ? registerOperatorRoutes(app, rest, deps.operator) : [])];
  registerMetaRoutes(app, rest, buildMetaCatalog(deps.types.taskTypes, deps.types.eventTypes, selectResources(deps.resources, rest.routes)), new Date());
  registerApiKeyRoutes(app, rest, deps.keys);
  // RealTimeNotificationConfig.enabled false: no stream routes (the hub is not started either).
  if (deps.realtime?.options.notifications.enabled) await registerStreamRoutes(app, rest, { hub: deps.realtime, authenticator: deps.authenticator, types: deps.types });
  registerDiscoveryRoute(app, rest, endpoints);
  if (docs.enabled) app.get(`${apiPath}/openapi.json`, { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  deps.extraRoutes?.(app);
  return app;
}
