import { randomBytes } from 'node:crypto';
import { SwitchyardError } from '@switchyard/protocol';

/** The Standard Webhooks secret prefix: a secret is `whsec_` + base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Key length bounds the Standard Webhooks spec recommends (bytes). */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;
/** What {@link generateWebhookSecret} makes: 32 random bytes (HMAC-SHA256's block-friendly key size). */
const DEFAULT_SECRET_BYTES = 32;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new random secret, `whsec_` + base64 of `bytes` random bytes (default 32). */
export function generateWebhookSecret(bytes: number = DEFAULT_SECRET_BYTES): string {
  if (!Number.isInteger(bytes) || bytes < WEBHOOK_SECRET_MIN_BYTES || bytes > WEBHOOK_SECRET_MAX_BYTES) {
    throw new SwitchyardError('SY_WEBHOOK_INVALID_SECRET', `bytes: a secret has ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes, not ${bytes}.`, {
      hint: 'Leave bytes out for 32.',
      details: { field: 'bytes', bytes },
    });
  }
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(bytes).toString('base64')}`;
}

/**
 * The HMAC key of a `whsec_...` secret.
 * @param field where the secret came from, named in the error (e.g. `endpoint.secret`).
 * @throws SwitchyardError `SY_WEBHOOK_INVALID_SECRET` naming `field` when the value lacks the
 *   prefix, is not base64, or decodes to fewer than 24 or more than 64 bytes.
 */
export function parseWebhookSecret(value: unknown, field = 'secret'): Buffer {
  const refuse = (reason: string): never => {
    throw new SwitchyardError('SY_WEBHOOK_INVALID_SECRET', `${field}: ${reason}.`, {
      hint: `Use a secret made by generateWebhookSecret() (whsec_ + base64 of ${WEBHOOK_SECRET_MIN_BYTES}..${WEBHOOK_SECRET_MAX_BYTES} random bytes), copied whole.`,
      details: { field },
    });
  };
  if (typeof value !== 'string') return refuse('must be a string starting with whsec_');
  if (!value.startsWith(WEBHOOK_SECRET_PREFIX)) return refuse('must start with whsec_');
  const encoded = value.slice(WEBHOOK_SECRET_PREFIX.length);
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return refuse('the part after whsec_ is not base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < WEBHOOK_SECRET_MIN_BYTES || key.length > WEBHOOK_SECRET_MAX_BYTES) {
    return refuse(`decodes to ${key.length} bytes; a secret has ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES}`);
  }
  return key;
}

/** True when `value` is a valid `whsec_...` secret. */
export function isWebhookSecret(value: unknown): value is string {
  try {
    parseWebhookSecret(value);
    return true;
  } catch {
    return false;
  }
}
