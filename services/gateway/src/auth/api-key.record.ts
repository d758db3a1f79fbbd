import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Scope, TenantSchema } from './credential.js';

/**
 * One API key as stored in the compacted keys topic (key: keyId; a tombstone revokes it). The
 * secret is never stored: only the SHA-256 of the whole key.
 */
export const ApiKeyRecordSchema = z.object({
  format: z.literal('api-key.v1'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** SHA-256 of the whole key, hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tenant: TenantSchema.optional(),
  scopes: z.array(Scope).min(1),
  name: z.string().max(200).optional(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

const KEY_PATTERN = /^sy_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A new key: `sy_<16 hex key id>_<32 random bytes, base64url>`, and its record. */
export function newApiKey(fields: { tenant?: string; scopes: readonly Scope[]; name?: string }, now = new Date()): { key: string; record: ApiKeyRecord } {
  const keyId = randomBytes(8).toString('hex');
  const key = `sy_${keyId}_${randomBytes(32).toString('base64url')}`;
  const record = ApiKeyRecordSchema.parse({ format: 'api-key.v1', keyId, sha256: sha256Hex(key), scopes: [...fields.scopes], createdAt: now.toISOString(), ...(fields.tenant ? { tenant: fields.tenant } : {}), ...(fields.name ? { name: fields.name } : {}) });
  return { key, record };
}

/** The key id of a well-formed key, else undefined. */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}
