import { isSwitchyardError, SwitchyardError } from '@switchyard/protocol';
import { GatewayError } from '../errors/gateway-error.js';
import type { Credential } from '../auth/credential.js';

/**
 * Runs an engine call and names the request field of an engine error: libs/ops names its options
 * in backticks (`fromOffset`), the way the CLI maps them to flags (format/option-flags.ts); here
 * `fields` maps each to the field of the request body or query (`partitions`, `query.topic`).
 */
export async function withEngineFields<T>(fields: Readonly<Record<string, string>>, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isSwitchyardError(error) || typeof error.details?.field === 'string') throw error;
    const option = /`([A-Za-z]+)`/.exec(error.message)?.[1];
    const field = option === undefined ? undefined : fields[option];
    if (field === undefined) throw error;
    // Like a schema refusal, the message starts with the field: "from: `from` cannot be combined ...".
    const message = `${field}: ${error.message.replace(new RegExp(`^\`${option}\`:\\s*`), '')}`;
    throw new SwitchyardError(error.code, message, { ...(error.hint ? { hint: error.hint } : {}), details: { ...error.details, field }, cause: error });
  }
}

/**
 * Operator actions that reach every tenant (purge, offsets, replays) need an admin credential
 * without a tenant: an admin key bound to a tenant may only redrive its tenant's dead letters.
 * @throws GatewayError SY_FORBIDDEN
 */
export function requireClusterAdmin(credential: Credential, what: string): void {
  if (credential.tenant === undefined) return;
  throw new GatewayError('SY_FORBIDDEN', `${what} reaches every tenant; this credential belongs to tenant "${credential.tenant}".`, { hint: 'Use an admin credential without a tenant (the bootstrap key, or a key created with scopes [admin] and no tenant).' });
}
