import { createHmac } from 'node:crypto';
import { parseWebhookSecret } from './webhook-secret.js';

/** The Standard Webhooks request headers (lower case, as node:http sends them). */
export const WEBHOOK_HEADERS = Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
});

/** What one delivery signs: the message id (stable across retries), its time and the exact body bytes. */
export interface SignInput {
  /** Stable across retries of one message, so receivers can deduplicate (e.g. the event id). */
  readonly id: string;
  /** Seconds since the epoch of this attempt. */
  readonly timestamp: number;
  /** The exact bytes sent. */
  readonly body: string | Buffer;
  /**
   * Every secret to sign with: one, or during a rotation the new and the old one. Each gives one
   * `v1,<sig>` entry; a receiver holding any of them verifies.
   */
  readonly secrets: readonly string[];
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const hmac = createHmac('sha256', parseWebhookSecret(secret));
  hmac.update(`${id}.${timestamp}.`);
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

/**
 * The three Standard Webhooks headers of a delivery: `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (one `v1,...` entry per secret, space-separated).
 * @throws SwitchyardError `SY_WEBHOOK_INVALID_SECRET` for a malformed secret.
 */
export function signWebhook(input: SignInput): Record<string, string> {
  if (input.secrets.length === 0) throw new RangeError('signWebhook needs at least one secret');
  if (!Number.isSafeInteger(input.timestamp)) throw new RangeError('timestamp must be whole seconds since the epoch');
  const signatures = [...new Set(input.secrets)].map((secret) => signatureOf(secret, input.id, input.timestamp, input.body));
  return {
    [WEBHOOK_HEADERS.id]: input.id,
    [WEBHOOK_HEADERS.timestamp]: String(input.timestamp),
    [WEBHOOK_HEADERS.signature]: signatures.join(' '),
  };
}
