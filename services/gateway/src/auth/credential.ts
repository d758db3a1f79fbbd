import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

/** The scopes a credential can carry. `admin` implies every other scope and every tenant. */
export const Scope = z.enum(['tasks:write', 'tasks:read', 'events:write', 'events:read', 'admin']);
export type Scope = z.infer<typeof Scope>;

/** A tenant id as it travels in Kafka keys and headers. */
export const TenantSchema = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected 1-128 letters, digits, dot, underscore or dash');

/** Who is calling: an API key or a verified JWT, with its tenant (none for an admin) and scopes. */
export interface Credential {
  /** Stable id: `key:<keyId>` or `jwt:<iss>:<sub>`; rate limits and idempotency keys are per credential. */
  readonly id: string;
  readonly kind: 'api-key' | 'jwt';
  /** The only tenant this credential reaches; undefined for an admin credential without one (reaches all). */
  readonly tenant: string | undefined;
  readonly scopes: ReadonlySet<Scope>;
}

export function isAdmin(credential: Credential): boolean {
  return credential.scopes.has('admin');
}

/** @throws GatewayError SY_FORBIDDEN unless the credential has `scope` (or admin). */
export function requireScope(credential: Credential, scope: Scope): void {
  if (credential.scopes.has(scope) || isAdmin(credential)) return;
  throw new GatewayError('SY_FORBIDDEN', `This credential lacks the scope ${scope}.`, { hint: `Use a credential with ${scope} (its scopes: ${[...credential.scopes].join(', ') || 'none'}).` });
}

/**
 * The tenant a write goes to: the credential's own; a request naming another tenant is refused.
 * An admin without a tenant may name any tenant (or none).
 * @throws GatewayError SY_FORBIDDEN
 */
export function tenantForWrite(credential: Credential, requested: string | undefined, field: string): string | undefined {
  if (credential.tenant === undefined) return requested;
  if (requested !== undefined && requested !== credential.tenant) {
    throw new GatewayError('SY_FORBIDDEN', `${field} is "${requested}", but this credential belongs to tenant "${credential.tenant}".`, { field, hint: 'Leave the tenant out (your own is used), or use a credential of that tenant.' });
  }
  return credential.tenant;
}

/** Whether a record of `tenant` is visible to the credential (an admin sees all). */
export function canSee(credential: Credential, tenant: string | undefined): boolean {
  return credential.tenant === undefined ? isAdmin(credential) : tenant === credential.tenant;
}
