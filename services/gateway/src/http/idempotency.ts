import { createHash } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';

/** Idempotency-Key: 1-200 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The id a retried request gets again: a UUID (version 8, RFC 9562 custom) from the SHA-256 of
 * the credential id, the route and the Idempotency-Key (and the item's index in a batch). Same
 * credential + route + key = same task or event id, on every gateway replica and after a restart.
 */
export function idempotentId(credentialId: string, route: string, key: string, index?: number): string {
  const hash = createHash('sha256').update(`${credentialId}\u0000${route}\u0000${key}\u0000${index ?? ''}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface Remembered {
  readonly bodyHash: string;
  readonly status: number;
  readonly response: unknown;
}

/**
 * Responses of idempotent requests, so a retry within this process gets the first answer
 * without writing again. Bounded: the oldest entry goes when `capacity` is reached. A retry that
 * misses it (evicted, another replica, a restart) writes again with the same id; consumers see
 * a duplicate record with an id they already have.
 */
export class IdempotencyCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, Remembered>();

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** The earlier response of this key, if any. @throws GatewayError SY_IDEMPOTENCY_MISMATCH for the same key with another body. */
  recall(scope: string, body: unknown): Remembered | undefined {
    const earlier = this.#entries.get(scope);
    if (earlier && earlier.bodyHash !== hashOf(body)) {
      throw new GatewayError('SY_IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was used before with a different body.', { field: 'headers.idempotency-key', hint: 'Use a new Idempotency-Key for a different request.' });
    }
    return earlier;
  }

  remember(scope: string, body: unknown, status: number, response: unknown): void {
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(scope, { bodyHash: hashOf(body), status, response });
  }
}

function hashOf(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body) ?? '').digest('hex');
}
