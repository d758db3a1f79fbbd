import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@switchyard/testing';
import { startTestGateway, type TestGateway } from './gateway.test-support.js';

let gw: TestGateway;
let acmeAdmin: string;
let acmeReader: string;

beforeAll(async () => {
  gw = await startTestGateway();
  acmeAdmin = await gw.key('acme', ['admin']);
  acmeReader = await gw.key('acme', ['tasks:read', 'events:read']);
});
afterAll(async () => gw?.close());

/** A public address (no DNS needed): the SSRF guard lets it through; nothing is delivered in this test. */
const PUBLIC_URL = 'https://93.184.215.14/hooks/orders';

describe('REST: webhooks (the endpoints the dispatcher delivers to)', () => {
  it('creates an endpoint with its secret shown once, lists, reads and removes it; a tenant admin sees only its tenant', async () => {
    const id = uniqueName('ep');
    const created = await gw.call('POST', '/data/webhooks', { key: gw.adminKey, body: { id, url: PUBLIC_URL, eventPattern: 'orders.*' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ endpoint: { id, url: PUBLIC_URL, eventPattern: 'orders.*', enabled: true, method: 'POST' }, subscription: `webhook-${id}`, secret: expect.stringMatching(/^whsec_/) });

    const read = await gw.call('GET', `/data/webhooks/${id}`, { key: gw.adminKey });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ endpoint: { id }, subscription: `webhook-${id}` });
    expect(JSON.stringify(read.body.data)).not.toContain('whsec_');

    // A tenant admin creates into its own tenant and sees only that; the cluster admin's endpoint is hidden from it.
    const own = await gw.call('POST', '/data/webhooks', { key: acmeAdmin, body: { url: PUBLIC_URL, eventPattern: 'orders.created' } });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.data.endpoint).toMatchObject({ tenant: 'acme', id: expect.stringMatching(/^ep_/) });
    const listed = await gw.call('GET', '/data/webhooks?limit=200', { key: acmeAdmin });
    expect(listed.body.data.map((v: { endpoint: { id: string } }) => v.endpoint.id)).toContain(own.body.data.endpoint.id);
    expect(listed.body.data.every((v: { endpoint: { tenant?: string } }) => v.endpoint.tenant === 'acme')).toBe(true);
    expect((await gw.call('GET', `/data/webhooks/${id}`, { key: acmeAdmin })).status).toBe(404);
    expect((await gw.call('DELETE', `/data/webhooks/${id}`, { key: acmeAdmin })).status).toBe(404);
    expect((await gw.call('POST', '/data/webhooks', { key: acmeAdmin, body: { url: PUBLIC_URL, eventPattern: 'x.*', tenant: 'globex' } })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'tenant' });
    // Not an admin: 403.
    expect((await gw.call('GET', '/data/webhooks', { key: acmeReader })).status).toBe(403);

    const removed = await gw.call('DELETE', `/data/webhooks/${id}`, { key: gw.adminKey });
    expect(removed.status).toBe(200);
    expect(removed.body.data).toEqual({ id, removed: true, subscription: `webhook-${id}` });
    expect((await gw.call('GET', `/data/webhooks/${id}`, { key: gw.adminKey })).status).toBe(404);
    expect((await gw.call('DELETE', `/data/webhooks/${own.body.data.endpoint.id}`, { key: acmeAdmin })).status).toBe(200);
  });

  it('refuses, naming the field: a private URL (SSRF guard), a bad secret, a duplicate id, a bad pattern', async () => {
    const refusal = async (body: object) => (await gw.call('POST', '/data/webhooks', { key: gw.adminKey, body })).body as { code: string; field: string; message: string };
    expect(await refusal({ url: 'http://127.0.0.1:9/x', eventPattern: '*' })).toMatchObject({ code: 'SY_WEBHOOK_ADDRESS_REFUSED', field: 'url', message: expect.stringMatching(/^url: /) });
    expect(await refusal({ url: 'http://169.254.169.254/latest', eventPattern: '*' })).toMatchObject({ code: 'SY_WEBHOOK_ADDRESS_REFUSED', field: 'url' });
    expect(await refusal({ url: PUBLIC_URL, eventPattern: '*', secret: 'not-a-secret' })).toMatchObject({ code: 'SY_WEBHOOK_INVALID_SECRET', field: 'secret', message: expect.stringMatching(/^secret: /) });
    const id = uniqueName('dup');
    expect((await gw.call('POST', '/data/webhooks', { key: gw.adminKey, body: { id, url: PUBLIC_URL, eventPattern: '*' } })).status).toBe(201);
    expect(await refusal({ id, url: PUBLIC_URL, eventPattern: '*' })).toMatchObject({ code: 'SY_INVALID_CONFIG', field: 'id', message: expect.stringMatching(/^id: an endpoint/) });
    expect((await gw.call('DELETE', `/data/webhooks/${id}`, { key: gw.adminKey })).status).toBe(200);
    expect(await refusal({ url: 'not a url', eventPattern: '*' })).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'url' });
    expect(await refusal({ url: PUBLIC_URL, eventPattern: 'Orders..(' })).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'eventPattern' });
  });
  it('rotates the secret (the new one shown once, the old one signing for graceMs), disables and enables; a tenant admin only on its own', async () => {
    const id = uniqueName('act');
    const created = await gw.call('POST', '/data/webhooks', { key: gw.adminKey, body: { id, url: PUBLIC_URL, eventPattern: 'orders.*' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const first = created.body.data.secret as string;

    const rotated = await gw.call('POST', `/data/webhooks/${id}/rotate-secret`, { key: gw.adminKey, body: { graceMs: 60_000 } });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.data).toMatchObject({ endpoint: { id }, secret: expect.stringMatching(/^whsec_/), previousSecretExpiresAt: expect.any(String) });
    expect(rotated.body.data.secret).not.toBe(first);
    const graceLeft = Date.parse(rotated.body.data.previousSecretExpiresAt) - Date.now();
    expect(graceLeft).toBeGreaterThan(0);
    expect(graceLeft).toBeLessThanOrEqual(60_000);
    // The read never shows a secret, old or new.
    const read = await gw.call('GET', `/data/webhooks/${id}`, { key: gw.adminKey });
    expect(JSON.stringify(read.body.data)).not.toContain('whsec_');
    expect((await gw.call('POST', `/data/webhooks/${id}/rotate-secret`, { key: gw.adminKey, body: { secret: 'nope' } })).body).toMatchObject({ code: 'SY_WEBHOOK_INVALID_SECRET', field: 'secret' });

    const disabled = await gw.call('POST', `/data/webhooks/${id}/disable`, { key: gw.adminKey, body: { reason: 'receiver maintenance' } });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body.data).toMatchObject({ endpoint: { id, enabled: false }, disabledReason: 'receiver maintenance' });
    expect((await gw.call('GET', `/data/webhooks/${id}`, { key: gw.adminKey })).body.data.endpoint.enabled).toBe(false);
    const enabled = await gw.call('POST', `/data/webhooks/${id}/enable`, { key: gw.adminKey });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(enabled.body.data.endpoint.enabled).toBe(true);
    expect(enabled.body.data.disabledReason).toBeUndefined();

    // Another tenant's admin: the same 404 as an unknown id, and nothing changes; not an admin: 403; bad input names the field.
    for (const action of ['rotate-secret', 'disable', 'enable']) {
      expect((await gw.call('POST', `/data/webhooks/${id}/${action}`, { key: acmeAdmin })).body).toMatchObject({ code: 'SY_NOTHING_MATCHED', field: 'params.id' });
      expect((await gw.call('POST', `/data/webhooks/${uniqueName('none')}/${action}`, { key: gw.adminKey })).status).toBe(404);
      expect((await gw.call('POST', `/data/webhooks/${id}/${action}`, { key: acmeReader })).status).toBe(403);
    }
    expect((await gw.call('GET', `/data/webhooks/${id}`, { key: gw.adminKey })).body.data.endpoint.enabled).toBe(true);
    expect((await gw.call('POST', `/data/webhooks/${id}/rotate-secret`, { key: gw.adminKey, body: { graceMs: -1 } })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'graceMs' });
    expect((await gw.call('POST', `/data/webhooks/${id}/disable`, { key: gw.adminKey, body: { reason: '' } })).body).toMatchObject({ code: 'SY_INVALID_ARGUMENT', field: 'reason' });
    expect((await gw.call('DELETE', `/data/webhooks/${id}`, { key: gw.adminKey })).status).toBe(200);
  });
});
