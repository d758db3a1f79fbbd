import { z } from 'zod';
import { EventPatternSchema } from '@switchyard/kafka';
import { HttpServerConfigSchema, parseOrThrow, QueueNameSchema, RestServerConfigSchema, type HttpServerConfig, type RestServerConfig } from '@switchyard/protocol';
import type { RealtimeOptionsInput } from '@switchyard/realtime';
import { API_KEYS_TOPIC } from './auth/api-key-store.js';

/** `true`/`false` (also 1/0, yes/no) from an env string, with a default. */
function envBoolean(fallback: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
}

/** The gateway process's environment (Kafka settings come from KAFKA_* separately). */
export const GatewayEnvSchema = z.object({
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1').describe('Listen address'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080).describe('Listen port (0 = any free port)'),
  GATEWAY_ADMIN_KEY: z.string().min(24, 'use at least 24 characters (e.g. `openssl rand -base64 32`)').optional().describe('Bootstrap admin key, held in memory only'),
  GATEWAY_JWKS_URL: z.url().optional().describe('JWKS of the JWT issuer; without it only API keys are accepted'),
  GATEWAY_JWT_ISSUER: z.string().min(1).optional().describe('Required `iss` of JWTs'),
  GATEWAY_JWT_AUDIENCE: z.string().min(1).optional().describe('Required `aud` of JWTs'),
  GATEWAY_JWT_TENANT_CLAIM: z.string().min(1).default('tenant').describe('JWT claim holding the tenant'),
  GATEWAY_API_KEYS_TOPIC: z.string().min(1).default(API_KEYS_TOPIC).describe('Compacted topic of the API keys'),
  GATEWAY_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600).describe('Requests per window per credential'),
  GATEWAY_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1).default(60_000).describe('Rate limit window, ms'),
  GATEWAY_BODY_LIMIT: z.string().default('2mb').describe('Largest request body, like 512kb or 2mb'),
  GATEWAY_EXAMPLE_QUEUE: QueueNameSchema.default('example').describe('Queue of the example task types main.ts serves (bench/gateway uses its own)'),
  GATEWAY_REALTIME_ENABLED: envBoolean(true).describe('Serve the realtime streams (SSE, WebSocket, long polling) and read for them'),
  GATEWAY_REALTIME_EVENT_PATTERN: EventPatternSchema.default('*').describe('Events the streams may carry at all (a subscription pattern, e.g. orders.*); task status is always streamed'),
  GATEWAY_REALTIME_USER_FILTER: envBoolean(true).describe("A JWT user sees only its own tasks and events (false: the whole tenant's)"),
  GATEWAY_REALTIME_TENANT_FILTER: envBoolean(true).describe("A tenant's credential sees only its tenant (false: every tenant; for single-tenant installs)"),
  GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND: z.coerce.number().int().positive().optional().describe('Per-client stream rate limit; over it messages wait, and a client kept over it is dropped (rate-limited). Unset: no limit'),
  GATEWAY_REALTIME_RATE_WINDOW_MS: z.coerce.number().int().positive().default(1_000).describe('Window of GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND, ms'),
  GATEWAY_REALTIME_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000).describe('Keep-alive of an idle stream, ms (under your proxies\' idle timeouts)'),
  GATEWAY_REALTIME_MAX_BUFFERED: z.coerce.number().int().min(1).max(1_000_000).default(1_000).describe('Messages one client may have waiting before it is dropped (slow-client)'),
});
export type GatewayEnv = z.infer<typeof GatewayEnvSchema>;

/** Validates the environment. @throws SwitchyardError `SY_INVALID_ENV` naming the variable. */
export function loadGatewayEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  return parseOrThrow(GatewayEnvSchema, env, { code: 'SY_INVALID_ENV', what: 'env' });
}

/** The REST and HTTP server configs the env implies (other settings at the seed's defaults). */
export function serverConfigsOf(env: GatewayEnv): { rest: RestServerConfig; http: HttpServerConfig } {
  const rest = parseOrThrow(RestServerConfigSchema, { api: { documentation: { title: 'Switchyard gateway', description: 'Enqueue tasks, publish events and read task status over HTTP.' } } }, { code: 'SY_INVALID_CONFIG', what: 'RestServerConfig' });
  const http = parseOrThrow(
    HttpServerConfigSchema,
    { host: env.GATEWAY_HOST, port: env.GATEWAY_PORT, bodyLimit: env.GATEWAY_BODY_LIMIT, security: { rateLimit: { max: env.GATEWAY_RATE_LIMIT_MAX, windowMs: env.GATEWAY_RATE_LIMIT_WINDOW_MS } } },
    { code: 'SY_INVALID_ENV', what: 'env (GATEWAY_*)' },
  );
  return { rest, http };
}

/** The realtime streams' options the env implies (channels with filter functions only come from code). */
export function realtimeOptionsOf(env: GatewayEnv): RealtimeOptionsInput {
  return {
    notifications: {
      enabled: env.GATEWAY_REALTIME_ENABLED,
      eventPattern: env.GATEWAY_REALTIME_EVENT_PATTERN,
      userFilter: env.GATEWAY_REALTIME_USER_FILTER,
      tenantFilter: env.GATEWAY_REALTIME_TENANT_FILTER,
      ...(env.GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND ? { rateLimit: { maxEventsPerSecond: env.GATEWAY_REALTIME_MAX_EVENTS_PER_SECOND, windowMs: env.GATEWAY_REALTIME_RATE_WINDOW_MS } } : {}),
    },
    heartbeatMs: env.GATEWAY_REALTIME_HEARTBEAT_MS,
    maxBufferedMessages: env.GATEWAY_REALTIME_MAX_BUFFERED,
  };
}
