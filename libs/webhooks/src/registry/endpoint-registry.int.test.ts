import { describe, expect, it, onTestFinished } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { signWebhook } from '../signing/webhook-signature.js';
import { SsrfGuard } from '../ssrf/ssrf-guard.js';
import { signingSecrets } from './endpoint-record.v1.js';
import { WebhookEndpointRegistry, type EndpointRegistryDeps } from './endpoint-registry.js';

async function setup(deps: EndpointRegistryDeps = {}) {
  const client = testClient('webhooks-registry-test');
  const admin = await testAdmin(client);
  const topic = uniqueName('webhooks-endpoints');
  admin.deleteAfterTest([topic]);
  const registry = new WebhookEndpointRegistry(client, { topic, rotationGraceMs: 3_600_000 }, deps);
  onTestFinished(() => registry.disconnect());
  await registry.connect();
  return { registry, admin, topic, client };
}

describe('WebhookEndpointRegistry (real broker, compacted topic)', () => {
  it('creates, updates, disables, enables and deletes endpoints; the table is the replayed topic', async () => {
    const { registry, admin, topic, client } = await setup();
    const [description] = await admin.describeTopics([topic]);
    expect(description?.partitions).toHaveLength(1);

    const created = await registry.create({ id: 'orders', eventPattern: 'order.*', url: 'https://hooks.example.com/orders', authentication: { type: 'bearer', credentials: { token: 't' } } });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.view.endpoint).toMatchObject({ id: 'orders', method: 'POST', timeoutMs: 30000, enabled: true });
    const generated = await registry.create({ eventPattern: 'user.created', url: 'https://hooks.example.com/users', retryPolicy: {} });
    expect(generated.view.endpoint.id).toMatch(/^ep_/);
    expect(generated.view.endpoint.retryPolicy).toEqual({ maxRetries: 3, backoffStrategy: 'exponential', initialDelayMs: 1000, maxDelayMs: 60000 });

    const updated = await registry.update('orders', { timeoutMs: 5000, headers: { 'x-team': 'billing' } });
    expect(updated.endpoint).toMatchObject({ id: 'orders', timeoutMs: 5000, headers: { 'x-team': 'billing' }, eventPattern: 'order.*' });

    expect(await registry.disable('orders', '410 Gone')).toMatchObject({ endpoint: { enabled: false }, disabledReason: '410 Gone' });
    expect((await registry.get('orders')).disabledReason).toBe('410 Gone');
    const enabled = await registry.enable('orders');
    expect(enabled.endpoint.enabled).toBe(true);
    expect(enabled.disabledReason).toBeUndefined();

    // A fresh registry (another process) replays the same table; secrets never appear in views.
    const other = new WebhookEndpointRegistry(client, { topic });
    onTestFinished(() => other.disconnect());
    const listed = await other.list();
    expect(listed.map((v) => v.endpoint.id)).toEqual([generated.view.endpoint.id, 'orders'].sort());
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect((await other.snapshot()).get('orders')?.secret).toBe(created.secret);

    await registry.delete('orders');
    expect((await other.list()).map((v) => v.endpoint.id)).toEqual([generated.view.endpoint.id]);
    await expect(registry.get('orders')).rejects.toMatchObject({ code: 'SY_WEBHOOK_UNKNOWN_ENDPOINT' });
    await expect(registry.delete('orders')).rejects.toMatchObject({ code: 'SY_WEBHOOK_UNKNOWN_ENDPOINT' });
  });

  it('rotation: the new and the old secret both sign until the grace ends; a receiver with either verifies', async () => {
    let now = Date.now();
    const { registry } = await setup({ now: () => now });
    const { secret: oldSecret } = await registry.create({ id: 'rot', eventPattern: '*', url: 'https://hooks.example.com/rot' });
    const rotated = await registry.rotateSecret('rot', { graceMs: 60_000 });
    expect(rotated.secret).not.toBe(oldSecret);
    expect(rotated.view.previousSecretExpiresAt).toBe(new Date(now + 60_000).toISOString());

    const stored = (await registry.snapshot()).get('rot')!;
    const secrets = signingSecrets(stored, now);
    expect(secrets).toEqual([rotated.secret, oldSecret]);
    const body = '{"ok":true}';
    const headers = signWebhook({ id: 'msg_r1', timestamp: Math.floor(Date.now() / 1000), body, secrets });
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(body, headers)).not.toThrow();

    now += 60_001;
    expect(signingSecrets(stored, now)).toEqual([rotated.secret]);
    expect((await registry.get('rot')).previousSecretExpiresAt).toBeUndefined();
  });

  it('refuses bad input naming the field, a used id, a bad secret, and (with a guard) a private URL; nothing is written', async () => {
    const { registry } = await setup({ guard: new SsrfGuard() });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'ftp://x.example/' })).rejects.toMatchObject({ code: 'SY_INVALID_CONFIG', message: expect.stringContaining('endpoint.url') });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'https://93.184.216.34/', timeoutMs: -1 })).rejects.toMatchObject({ code: 'SY_INVALID_CONFIG', message: expect.stringContaining('endpoint.timeoutMs') });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'https://93.184.216.34/', authentication: { type: 'basic', credentials: { username: 'u' } } })).rejects.toMatchObject({ code: 'SY_INVALID_CONFIG', message: expect.stringContaining('endpoint.authentication.credentials.password') });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'https://93.184.216.34/', secret: 'nope' })).rejects.toMatchObject({ code: 'SY_WEBHOOK_INVALID_SECRET', message: expect.stringMatching(/^endpoint\.secret: /) });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'http://169.254.169.254/latest' })).rejects.toMatchObject({ code: 'SY_WEBHOOK_ADDRESS_REFUSED', details: expect.objectContaining({ addressClass: 'cloudMetadata' }) });
    expect(await registry.list()).toEqual([]);
    await registry.create({ id: 'a', eventPattern: '*', url: 'https://93.184.216.34/' });
    await expect(registry.create({ id: 'a', eventPattern: '*', url: 'https://93.184.216.34/' })).rejects.toMatchObject({ code: 'SY_INVALID_CONFIG', message: expect.stringContaining('endpoint.id') });
    await expect(registry.update('a', { url: 'http://10.1.2.3/' })).rejects.toMatchObject({ code: 'SY_WEBHOOK_ADDRESS_REFUSED' });
    expect((await registry.get('a')).endpoint.url).toBe('https://93.184.216.34/');
  });
});
