import { describe, expect, it } from 'vitest';
import { canSee, requireScope, tenantForWrite, type Credential } from './credential.js';
import { keyIdOf, newApiKey, sha256Hex } from './api-key.record.js';

const acme: Credential = { id: 'key:1', kind: 'api-key', tenant: 'acme', scopes: new Set(['tasks:read']) };
const admin: Credential = { id: 'key:admin', kind: 'api-key', tenant: undefined, scopes: new Set(['admin']) };

describe('credential rules', () => {
  it('scopes: the scope itself or admin', () => {
    expect(() => requireScope(acme, 'tasks:read')).not.toThrow();
    expect(() => requireScope(acme, 'tasks:write')).toThrow(expect.objectContaining({ code: 'SY_FORBIDDEN' }));
    expect(() => requireScope(admin, 'events:write')).not.toThrow();
  });

  it("tenants: a tenant credential writes and sees only its own tenant; an admin without one any", () => {
    expect(tenantForWrite(acme, undefined, 'tenant')).toBe('acme');
    expect(tenantForWrite(acme, 'acme', 'tenant')).toBe('acme');
    expect(() => tenantForWrite(acme, 'globex', 'items[2].tenant')).toThrow(expect.objectContaining({ code: 'SY_FORBIDDEN', field: 'items[2].tenant' }));
    expect(tenantForWrite(admin, 'globex', 'tenant')).toBe('globex');
    expect([canSee(acme, 'acme'), canSee(acme, 'globex'), canSee(acme, undefined), canSee(admin, 'globex')]).toEqual([true, false, false, true]);
  });
});

describe('API keys', () => {
  it('a new key is random, its record keeps only the SHA-256, and its key id is readable from the key', () => {
    const { key, record } = newApiKey({ tenant: 'acme', scopes: ['tasks:read'] });
    expect(key).toMatch(/^sy_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({ format: 'api-key.v1', keyId: keyIdOf(key), sha256: sha256Hex(key), tenant: 'acme', scopes: ['tasks:read'], createdAt: expect.any(String) });
    expect(JSON.stringify(record)).not.toContain(key.slice(20));
    expect(newApiKey({ scopes: ['admin'] }).key).not.toBe(key);
    expect(keyIdOf('sy_short_x')).toBeUndefined();
  });
});
