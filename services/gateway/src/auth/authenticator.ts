import { GatewayError } from '../errors/gateway-error.js';
import type { ApiKeyStore } from './api-key-store.js';
import type { Credential } from './credential.js';
import type { JwtVerifier } from './jwt-verifier.js';

/** A compact JWS: three base64url parts. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const HINT = 'Send `Authorization: Bearer <API key or JWT>` (or `X-API-Key: <key>`). An admin creates keys with POST /api/v1/admin/api-keys.';

/**
 * Who is calling, from the request headers: `X-API-Key: sy_...`, or `Authorization: Bearer`
 * with an API key (or the bootstrap admin key) or a JWT (when a JWKS is configured).
 */
export class Authenticator {
  readonly #keys: ApiKeyStore;
  readonly #jwt: JwtVerifier | undefined;

  constructor(keys: ApiKeyStore, jwt?: JwtVerifier) {
    this.#keys = keys;
    this.#jwt = jwt;
  }

  /** @throws GatewayError SY_UNAUTHENTICATED */
  async authenticate(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<Credential> {
    const apiKey = single(headers['x-api-key']);
    const authorization = single(headers.authorization);
    if (apiKey !== undefined) return this.#apiKey(apiKey, 'headers.x-api-key');
    if (authorization === undefined) throw new GatewayError('SY_UNAUTHENTICATED', 'No credential: this route needs an API key or a bearer token.', { field: 'headers.authorization', hint: HINT });
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new GatewayError('SY_UNAUTHENTICATED', 'headers.authorization: expected "Bearer <token>".', { field: 'headers.authorization', hint: HINT });
    const token = match[1]!;
    const key = this.#keys.verify(token);
    if (key) return key;
    if (this.#jwt && JWT_SHAPE.test(token)) return this.#jwt.verify(token);
    return this.#apiKey(token, 'headers.authorization');
  }

  #apiKey(key: string, field: string): Credential {
    const credential = this.#keys.verify(key);
    if (!credential) throw new GatewayError('SY_UNAUTHENTICATED', `${field}: unknown or revoked API key.`, { field, hint: HINT });
    return credential;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
