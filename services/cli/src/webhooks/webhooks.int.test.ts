import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { jsonOf, runCli } from '../cli-process.test-support.js';

describe('switchyard webhooks (subprocess, real broker)', () => {
  it('adds, lists, rotates, disables, enables and removes endpoints; refuses bad input naming the field', async () => {
    const admin = await testAdmin(testClient());
    const topic = uniqueName('cli-webhooks');
    admin.deleteAfterTest([topic]);
    const on = ['--topic', topic];

    const added = await runCli(['--json', 'webhooks', 'add', ...on, '--id', 'billing', '--url', 'http://127.0.0.1:9/hook', '--pattern', 'order.*', '--header', 'x-team: billing', '--max-retries', '5', '--ssrf-allow', '127.0.0.1/32']);
    expect(added.code, added.stderr).toBe(0);
    const { secret, subscription, endpoint } = jsonOf<{ secret: string; subscription: string; endpoint: Record<string, unknown> }>(added);
    expect(secret).toMatch(/^whsec_/);
    expect(subscription).toBe('webhook-billing');
    expect(endpoint).toMatchObject({ id: 'billing', eventPattern: 'order.*', headers: { 'x-team': 'billing' }, retryPolicy: { maxRetries: 5 }, enabled: true });

    const [loopback, badUrl, badHeader, duplicate] = await Promise.all([
      runCli(['webhooks', 'add', ...on, '--id', 'x', '--url', 'http://127.0.0.1:9/hook', '--pattern', '*']),
      runCli(['webhooks', 'add', ...on, '--id', 'y', '--url', 'ftp://example.com/', '--pattern', '*']),
      runCli(['webhooks', 'add', ...on, '--id', 'z', '--url', 'https://example.com/', '--pattern', '*', '--header', 'nocolon']),
      runCli(['webhooks', 'add', ...on, '--id', 'billing', '--url', 'http://127.0.0.1:9/hook', '--pattern', '*', '--ssrf-allow', '127.0.0.1/32']),
    ]);
    expect([loopback.code, badUrl.code, badHeader.code, duplicate.code]).toEqual([2, 2, 2, 2]);
    expect(loopback.stderr).toContain('SY_WEBHOOK_ADDRESS_REFUSED');
    expect(badUrl.stderr).toContain('endpoint.url');
    expect(badHeader.stderr).toContain('--header');
    expect(duplicate.stderr).toContain('endpoint.id');

    const rotated = await runCli(['--json', 'webhooks', 'rotate-secret', 'billing', ...on, '--grace-ms', '60000']);
    expect(rotated.code, rotated.stderr).toBe(0);
    const next = jsonOf<{ secret: string; previousSecretExpiresAt: string }>(rotated);
    expect(next.secret).not.toBe(secret);
    expect(next.previousSecretExpiresAt).toEqual(expect.any(String));
    expect(() => new Webhook(next.secret)).not.toThrow();

    expect((await runCli(['webhooks', 'disable', 'billing', ...on, '--reason', 'maintenance'])).code).toBe(0);
    const listed = await runCli(['--json', 'webhooks', 'list', ...on]);
    expect(jsonOf<{ endpoint: { id: string; enabled: boolean }; disabledReason: string }[]>(listed)).toEqual([expect.objectContaining({ endpoint: expect.objectContaining({ id: 'billing', enabled: false }), disabledReason: 'maintenance' })]);
    expect(listed.stdout).not.toContain('whsec_');
    const refused = await runCli(['webhooks', 'enable', 'billing', ...on]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('SY_WEBHOOK_ADDRESS_REFUSED');
    expect((await runCli(['webhooks', 'enable', 'billing', ...on, '--ssrf-allow', '127.0.0.1/32'])).code).toBe(0);
    expect((await runCli(['webhooks', 'list', ...on])).stdout).toMatch(/billing\s+enabled\s+order\.\*/);

    expect((await runCli(['webhooks', 'remove', 'billing', ...on])).code).toBe(4);
    expect((await runCli(['webhooks', 'remove', 'billing', '--yes', ...on])).code).toBe(0);
    const gone = await runCli(['webhooks', 'disable', 'billing', ...on]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('SY_WEBHOOK_UNKNOWN_ENDPOINT');
    expect((await runCli(['webhooks', 'list', ...on])).code).toBe(3);
  });

  it('deliveries: exit 3 when nothing matches an unknown endpoint', async () => {
    const admin = await testAdmin(testClient());
    const topic = uniqueName('cli-deliveries');
    admin.deleteAfterTest([topic]);
    const none = await runCli(['webhooks', 'deliveries', '--deliveries-topic', topic, '--endpoint', 'nobody']);
    expect(none.code).toBe(3);
  });
});
