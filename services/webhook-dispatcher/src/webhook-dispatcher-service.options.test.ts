import { describe, expect, it } from 'vitest';
import { WebhookDispatcherOptionsSchema } from '@switchyard/webhooks';
import { dispatcherOptionsOf, loadWebhookDispatcherEnv } from './webhook-dispatcher-service.options.js';

describe('webhook dispatcher env', () => {
  it('defaults: SSRF guard on with no allow-list, latest, port 9466; the options parse', () => {
    const env = loadWebhookDispatcherEnv({});
    expect(env).toMatchObject({ WEBHOOK_SSRF_GUARD: true, WEBHOOK_SSRF_ALLOW: [], WEBHOOK_START_FROM: 'latest', WEBHOOK_HTTP_PORT: 9466, WEBHOOK_CONCURRENCY: 10 });
    expect(WebhookDispatcherOptionsSchema.parse(dispatcherOptionsOf(env))).toMatchObject({ ssrf: { enabled: true, allow: [] }, startFrom: 'latest', breaker: { failureThreshold: 5, cooldownMs: 30_000 } });
  });

  it('reads lists, booleans and numbers', () => {
    const env = loadWebhookDispatcherEnv({ WEBHOOK_SSRF_ALLOW: ' 127.0.0.1/32, ::1 ', WEBHOOK_SSRF_GUARD: 'no', WEBHOOK_CONCURRENCY: '3', WEBHOOK_INSTANCE_ID: 'pod-1' });
    expect(dispatcherOptionsOf(env)).toMatchObject({ ssrf: { enabled: false, allow: ['127.0.0.1/32', '::1'] }, concurrency: 3, instanceId: 'pod-1' });
  });

  it('refuses a bad value with SY_INVALID_ENV naming the variable', () => {
    for (const [name, value] of [['WEBHOOK_CONCURRENCY', 'many'], ['WEBHOOK_SSRF_GUARD', 'maybe'], ['WEBHOOK_START_FROM', 'now'], ['WEBHOOK_HTTP_PORT', '70000'], ['WEBHOOK_REGISTRY_TOPIC', 'a b'], ['WEBHOOK_SESSION_TIMEOUT_MS', '100']] as const) {
      expect(() => loadWebhookDispatcherEnv({ [name]: value })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining(name) }));
    }
  });
});
