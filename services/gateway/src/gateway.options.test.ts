import { describe, expect, it } from 'vitest';
import { RealtimeOptionsSchema } from '@switchyard/realtime';
import { loadGatewayEnv, realtimeOptionsOf, serverConfigsOf } from './gateway.options.js';

describe('gateway env', () => {
  it('defaults: 127.0.0.1:8080, the api-keys topic, 600 requests a minute, 2mb bodies; /api/v1', () => {
    const env = loadGatewayEnv({});
    expect(env).toEqual({ GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: 8080, GATEWAY_JWT_TENANT_CLAIM: 'tenant', GATEWAY_API_KEYS_TOPIC: 'switchyard.state.api-keys', GATEWAY_RATE_LIMIT_MAX: 600, GATEWAY_RATE_LIMIT_WINDOW_MS: 60_000, GATEWAY_BODY_LIMIT: '2mb', GATEWAY_EXAMPLE_QUEUE: 'example', GATEWAY_REALTIME_ENABLED: true, GATEWAY_REALTIME_EVENT_PATTERN: '*', GATEWAY_REALTIME_USER_FILTER: true, GATEWAY_REALTIME_TENANT_FILTER: true, GATEWAY_REALTIME_RATE_WINDOW_MS: 1_000, GATEWAY_REALTIME_HEARTBEAT_MS: 15_000, GATEWAY_REALTIME_MAX_BUFFERED: 1_000 });
    const { rest, http } = serverConfigsOf(env);
    expect([rest.api.basePath, rest.api.version, rest.batch.maxBatchSize]).toEqual(['/api', 'v1', 200]);
    expect(http).toMatchObject({ host: '127.0.0.1', port: 8080, bodyLimit: '2mb', security: { rateLimit: { enabled: true, max: 600, windowMs: 60_000 } } });
  });

  it('a bad variable fails with SY_INVALID_ENV naming it', () => {
    expect(() => loadGatewayEnv({ GATEWAY_PORT: '99999' })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining('GATEWAY_PORT') }));
    expect(() => loadGatewayEnv({ GATEWAY_ADMIN_KEY: 'short' })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining('GATEWAY_ADMIN_KEY') }));
    expect(() => loadGatewayEnv({ GATEWAY_EXAMPLE_QUEUE: 'Not.A.Queue' })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining('GATEWAY_EXAMPLE_QUEUE') }));
    expect(() => loadGatewayEnv({ GATEWAY_JWKS_URL: 'not a url' })).toThrow(expect.objectContaining({ message: expect.stringContaining('GATEWAY_JWKS_URL') }));
    expect(() => serverConfigsOf(loadGatewayEnv({ GATEWAY_BODY_LIMIT: 'lots' }))).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining('bodyLimit') }));
  });

  it('GATEWAY_REALTIME_* become the realtime options the hub parses; a bad one names its variable', () => {
    const options = RealtimeOptionsSchema.parse(realtimeOptionsOf(loadGatewayEnv({ GATEWAY_REALTIME_ENABLED: 'no', GATEWAY_REALTIME_EVENT_PATTERN: 'orders.*', GATEWAY_REALTIME_USER_FILTER: 'false', GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND: '20', GATEWAY_REALTIME_RATE_WINDOW_MS: '2000', GATEWAY_REALTIME_HEARTBEAT_MS: '5000' })));
    expect(options.notifications).toMatchObject({ enabled: false, eventPattern: 'orders.*', userFilter: false, tenantFilter: true, rateLimit: { maxEventsPerSecond: 20, windowMs: 2_000 } });
    expect([options.heartbeatMs, options.maxBufferedMessages]).toEqual([5_000, 1_000]);
    expect(RealtimeOptionsSchema.parse(realtimeOptionsOf(loadGatewayEnv({}))).notifications.rateLimit).toBeUndefined();
    for (const [name, value] of [['GATEWAY_REALTIME_USER_FILTER', 'maybe'], ['GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND', '0'], ['GATEWAY_REALTIME_HEARTBEAT_MS', '10'], ['GATEWAY_REALTIME_EVENT_PATTERN', 'Orders.(']] as const) {
      expect(() => loadGatewayEnv({ [name]: value })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ENV', message: expect.stringContaining(name) }));
    }
    // The hub's own options refuse a pattern it could not compile, naming where it is.
    const badChannel = RealtimeOptionsSchema.safeParse({ notifications: { channels: [{ name: 'orders', eventPattern: 'orders..x' }] } });
    expect(badChannel.success ? [] : badChannel.error.issues.map((i) => i.path.join('.'))).toEqual(['notifications.channels.0.eventPattern']);
  });
});
