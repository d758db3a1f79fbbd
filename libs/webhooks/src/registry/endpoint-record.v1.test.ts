import { describe, expect, it } from 'vitest';
import { generateWebhookSecret } from '../signing/webhook-secret.js';
import { decodeEndpointRecord, encodeEndpointDeletion, encodeStoredEndpoint, foldEndpoints, signingSecrets, type StoredEndpoint } from './endpoint-record.v1.js';
import { WebhookEndpointSchema } from './webhook-endpoint.schema.js';

const at = '2026-12-06T13:00:00.000Z';
function stored(id: string, url = 'https://example.com/h'): Omit<StoredEndpoint, 'format'> {
  return { endpoint: WebhookEndpointSchema.parse({ id, eventPattern: '*', url }), secret: generateWebhookSecret(), createdAt: at, updatedAt: at };
}
const incoming = (r: { key?: unknown; value: unknown }) => ({ key: r.key === undefined || r.key === null ? null : Buffer.from(String(r.key)), value: r.value === null ? null : Buffer.from(String(r.value)) });

describe('webhook-endpoint.v1 records', () => {
  it('the last record per key wins; a tombstone removes; unreadable records are skipped', () => {
    const a1 = stored('a');
    const a2 = stored('a', 'https://example.com/v2');
    const b = stored('b');
    const table = foldEndpoints([encodeStoredEndpoint(a1), encodeStoredEndpoint(b), encodeStoredEndpoint(a2), encodeEndpointDeletion('b'), { key: 'c', value: '{not json' }, { key: 'd', value: '{"format":"other"}' }].map(incoming));
    expect([...table.keys()]).toEqual(['a']);
    expect(table.get('a')?.endpoint.url).toBe('https://example.com/v2');
  });

  it('a record whose key is not its endpoint id is refused', () => {
    const record = encodeStoredEndpoint(stored('a'));
    expect(decodeEndpointRecord(incoming({ key: 'z', value: record.value }))).toBeUndefined();
    expect(decodeEndpointRecord(incoming({ key: null, value: record.value }))).toBeUndefined();
  });

  it('signingSecrets: the previous secret signs until it expires', () => {
    const s = { secret: 'new', previousSecret: { secret: 'old', expiresAt: '2026-12-06T14:00:00.000Z' } };
    expect(signingSecrets(s, Date.parse('2026-12-06T13:59:59.999Z'))).toEqual(['new', 'old']);
    expect(signingSecrets(s, Date.parse('2026-12-06T14:00:00.000Z'))).toEqual(['new']);
    expect(signingSecrets({ secret: 'only' }, 0)).toEqual(['only']);
  });

  it('endpoints take the seed defaults and refuse a bad id', () => {
    expect(WebhookEndpointSchema.parse({ id: 'x', eventPattern: '*', url: 'https://e.com/' })).toMatchObject({ method: 'POST', timeoutMs: 30000, enabled: true });
    expect(WebhookEndpointSchema.safeParse({ id: 'a b', eventPattern: '*', url: 'https://e.com/' }).success).toBe(false);
  });
});
