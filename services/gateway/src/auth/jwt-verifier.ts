import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { Scope, TenantSchema, type Credential } from './credential.js';

export interface JwtVerifierOptions {
  /** JWKS URL of the issuer (keys are fetched on first use and cached by jose; refetched for an unknown `kid`). */
  readonly jwksUrl: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Claim holding the tenant (default `tenant`). */
  readonly tenantClaim?: string;
}

/** Scopes as OAuth's space-separated `scope` string or a `scopes` array; unknown scopes are ignored. */
const ScopesClaim = z.union([z.string().transform((s) => s.split(' ').filter(Boolean)), z.array(z.string())]);

/**
 * Verifies bearer JWTs against a JWKS (signature, `exp`/`nbf`, and `iss`/`aud` when configured)
 * and reads the credential from the claims: tenant from `tenant` (required unless the token has
 * `admin`), scopes from `scope` or `scopes`.
 */
export class JwtVerifier {
  readonly #options: JwtVerifierOptions;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: JwtVerifierOptions) {
    this.#options = options;
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  }

  /** @throws GatewayError SY_UNAUTHENTICATED naming why the token is refused. */
  async verify(token: string): Promise<Credential> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, { ...(this.#options.issuer ? { issuer: this.#options.issuer } : {}), ...(this.#options.audience ? { audience: this.#options.audience } : {}) }));
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'it has expired' : error instanceof joseErrors.JOSEError ? `it failed verification (${error.code})` : 'its issuer keys could not be fetched';
      throw new GatewayError('SY_UNAUTHENTICATED', `The bearer token is refused: ${reason}.`, { field: 'headers.authorization', hint: 'Send a current token signed by the configured issuer, or an API key.' });
    }
    const scopesClaim = ScopesClaim.safeParse(payload.scope ?? payload.scopes ?? []);
    const scopes = new Set((scopesClaim.success ? scopesClaim.data : []).flatMap((s) => (Scope.safeParse(s).success ? [s as Scope] : [])));
    const rawTenant = payload[this.#options.tenantClaim ?? 'tenant'];
    const tenant = TenantSchema.safeParse(rawTenant);
    if (!tenant.success && !scopes.has('admin')) {
      throw new GatewayError('SY_UNAUTHENTICATED', `The bearer token has no valid "${this.#options.tenantClaim ?? 'tenant'}" claim.`, { field: 'headers.authorization', hint: 'Issue tokens with a tenant claim (or the admin scope).' });
    }
    return { id: `jwt:${payload.iss ?? ''}:${payload.sub ?? ''}`, kind: 'jwt', tenant: tenant.success ? tenant.data : undefined, scopes };
  }
}
