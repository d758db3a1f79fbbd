import { z } from 'zod';
import { HttpServerConfigSchema, parseOrThrow, QueueNameSchema, RestServerConfigSchema, type HttpServerConfig, type RestServerConfig } from '@switchyard/protocol';
import { API_KEYS_TOPIC } from './auth/api-key-store.js';

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
