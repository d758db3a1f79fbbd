import { z } from 'zod';
import { parseOrThrow } from '@switchyard/protocol';
import type { WebhookDispatcherOptionsInput } from '@switchyard/webhooks';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number, fallback: number) => z.coerce.number({ message: `must be a whole number ${min}-${max}` }).int(`must be a whole number ${min}-${max}`).min(min, `must be a whole number ${min}-${max}`).max(max, `must be a whole number ${min}-${max}`).default(fallback);
const topic = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name (letters, digits, ".", "_", "-")').optional();

/** The webhook dispatcher process's environment (Kafka settings come from KAFKA_* separately). */
export const WebhookDispatcherEnvSchema = z.object({
  WEBHOOK_SSRF_GUARD: bool(true).describe('Refuse loopback, private, link-local, metadata... addresses (on by default)'),
  WEBHOOK_SSRF_ALLOW: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .describe('Comma-separated CIDRs, addresses or host names let through the SSRF guard (e.g. 127.0.0.1/32 for local receivers)'),
  WEBHOOK_CONCURRENCY: int(1, 1_000, 10).describe('Deliveries in flight per endpoint when the endpoint sets none'),
  WEBHOOK_RECONCILE_INTERVAL_MS: int(50, 600_000, 2_000).describe('How often the endpoints topic is re-read'),
  WEBHOOK_START_FROM: z.enum(['earliest', 'latest'], { message: 'must be earliest or latest' }).default('latest'),
  WEBHOOK_BREAKER_FAILURE_THRESHOLD: int(1, 1_000, 5),
  WEBHOOK_BREAKER_COOLDOWN_MS: int(1, 86_400_000, 30_000),
  WEBHOOK_SHUTDOWN_TIMEOUT_MS: int(0, 3_600_000, 30_000),
  WEBHOOK_SESSION_TIMEOUT_MS: int(6_000, 300_000, 30_000),
  WEBHOOK_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, ".", "_" or "-"').optional(),
  WEBHOOK_REGISTRY_TOPIC: topic,
  WEBHOOK_DELIVERIES_TOPIC: topic,
  WEBHOOK_REPLICATION_FACTOR: int(1, 10, 1),
  WEBHOOK_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  WEBHOOK_HTTP_PORT: int(0, 65_535, 9466),
});

export type WebhookDispatcherEnv = z.infer<typeof WebhookDispatcherEnvSchema>;

/** Validates the environment. @throws SwitchyardError `SY_INVALID_ENV` naming the variable. */
export function loadWebhookDispatcherEnv(env: NodeJS.ProcessEnv = process.env): WebhookDispatcherEnv {
  return parseOrThrow(WebhookDispatcherEnvSchema, env, { code: 'SY_INVALID_ENV', what: 'env' });
}

/** The dispatcher's options from the environment. */
export function dispatcherOptionsOf(env: WebhookDispatcherEnv): WebhookDispatcherOptionsInput {
  return {
    ssrf: { enabled: env.WEBHOOK_SSRF_GUARD, allow: env.WEBHOOK_SSRF_ALLOW },
    concurrency: env.WEBHOOK_CONCURRENCY,
    reconcileIntervalMs: env.WEBHOOK_RECONCILE_INTERVAL_MS,
    startFrom: env.WEBHOOK_START_FROM,
    breaker: { failureThreshold: env.WEBHOOK_BREAKER_FAILURE_THRESHOLD, cooldownMs: env.WEBHOOK_BREAKER_COOLDOWN_MS },
    shutdownTimeoutMs: env.WEBHOOK_SHUTDOWN_TIMEOUT_MS,
    sessionTimeoutMs: env.WEBHOOK_SESSION_TIMEOUT_MS,
    replicationFactor: env.WEBHOOK_REPLICATION_FACTOR,
    ...(env.WEBHOOK_INSTANCE_ID ? { instanceId: env.WEBHOOK_INSTANCE_ID } : {}),
    ...(env.WEBHOOK_REGISTRY_TOPIC ? { registryTopic: env.WEBHOOK_REGISTRY_TOPIC } : {}),
    ...(env.WEBHOOK_DELIVERIES_TOPIC ? { deliveriesTopic: env.WEBHOOK_DELIVERIES_TOPIC } : {}),
  };
}
