import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import { requireScope, type Credential, type Scope } from '../auth/credential.js';
import type { InvalidCode } from '../errors/error-reply.js';
import type { RateLimiter } from './rate-limiter.js';

/** Who may call a route: anyone, any valid credential, or a credential with a scope. */
export type Access = 'public' | 'authenticated' | Scope;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Code of a request body that fails its schema on this route. */
    invalidCode?: InvalidCode;
  }
  interface FastifyRequest {
    credential: Credential | undefined;
  }
}

/** The credential of a route that is not public (set by the access hook before validation). */
export function credentialOf(request: FastifyRequest): Credential {
  if (!request.credential) throw new Error(`route ${request.routeOptions.url} reached without a credential: give it an access other than public`);
  return request.credential;
}

/**
 * Authenticates every non-public route before its body is parsed (a caller without a valid
 * credential learns nothing about the body's schema), counts it against the credential's rate
 * limit, and checks the route's scope. Routes default to `authenticated`.
 */
export function installAccessHook(app: FastifyInstance, authenticator: Authenticator, limiter: RateLimiter): void {
  app.decorateRequest('credential', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access ?? 'authenticated';
    if (access === 'public' || request.routeOptions.url === undefined) return;
    const credential = await authenticator.authenticate(request.headers);
    reply.headers(limiter.take(credential.id));
    if (access !== 'authenticated') requireScope(credential, access);
    request.credential = credential;
  });
}
