import { SwitchyardError } from '@switchyard/protocol';
import type { EventWebhookConfig } from '@switchyard/protocol';

/** The header an `api-key` authentication sends its key in unless `credentials.header` names another. */
export const DEFAULT_API_KEY_HEADER = 'x-api-key';

/**
 * Request headers of the seed's authentication types. Credentials keys:
 * - `bearer`: `token` -> `Authorization: Bearer <token>`
 * - `basic`: `username`, `password` -> `Authorization: Basic base64(username:password)`
 * - `api-key`: `key`, optional `header` (default `x-api-key`) -> `<header>: <key>`
 * - `none` (or absent): nothing
 * @throws SwitchyardError `SY_INVALID_CONFIG` naming the missing credential field.
 */
export function authHeaders(authentication: EventWebhookConfig['authentication'], what = 'endpoint'): Record<string, string> {
  if (!authentication || authentication.type === 'none') return {};
  const credentials = authentication.credentials ?? {};
  const need = (field: string): string => {
    const value = credentials[field];
    if (typeof value === 'string' && value.length > 0) return value;
    throw new SwitchyardError('SY_INVALID_CONFIG', `${what}.authentication.credentials.${field}: required for authentication type ${authentication.type}.`, {
      hint: 'bearer needs credentials.token; basic needs credentials.username and credentials.password; api-key needs credentials.key (and optionally credentials.header).',
      details: { field: `authentication.credentials.${field}` },
    });
  };
  switch (authentication.type) {
    case 'bearer':
      return { authorization: `Bearer ${need('token')}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${need('username')}:${need('password')}`).toString('base64')}` };
    case 'api-key':
      return { [(credentials.header ?? DEFAULT_API_KEY_HEADER).toLowerCase()]: need('key') };
  }
}
