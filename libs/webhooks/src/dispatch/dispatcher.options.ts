import { z } from 'zod';
import { CircuitBreakerOptionsSchema } from '../breaker/circuit-breaker.js';
import { DeliveryAttemptOptionsSchema } from '../delivery/delivery-attempt.options.js';
import { SsrfGuardOptionsSchema } from '../ssrf/ssrf-guard.options.js';
import { WEBHOOK_DELIVERIES_TOPIC } from './delivery-log.js';

/** Options of a {@link WebhookDispatcher} (parsed once, at the edge). */
export const WebhookDispatcherOptionsSchema = z
  .object({
    registryTopic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).optional().describe('The compacted endpoints topic; default switchyard.state.webhooks'),
    deliveriesTopic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/).default(WEBHOOK_DELIVERIES_TOPIC).describe('The delivery log topic'),
    deliveriesPartitions: z.number().int().min(1).max(256).default(6).describe('Partitions of the delivery log topic when it is created'),
    deliveriesRetentionMs: z.number().int().positive().default(7 * 86_400_000).describe('How long delivery log records are kept, in milliseconds'),
    replicationFactor: z.number().int().min(1).default(1).describe('Replication factor of the topics the dispatcher creates'),
    ssrf: SsrfGuardOptionsSchema.default({ enabled: true, allow: [] }),
    delivery: DeliveryAttemptOptionsSchema.default(DeliveryAttemptOptionsSchema.parse({})),
    breaker: CircuitBreakerOptionsSchema.default(CircuitBreakerOptionsSchema.parse({})),
    concurrency: z.number().int().min(1).max(1_000).default(10).describe('Deliveries in flight per endpoint when the endpoint sets none'),
    reconcileIntervalMs: z.number().int().min(50).max(600_000).default(2_000).describe('How often the endpoints topic is read for added, changed, disabled and removed endpoints, in milliseconds'),
    startFrom: z
      .enum(['earliest', 'latest'])
      .default('latest')
      .describe("Where a new endpoint's subscription starts: events published from then on (latest) or every retained event (earliest)"),
    sessionTimeoutMs: z.number().int().min(6_000).default(30_000).describe('Consumer group session timeout of the endpoint subscriptions'),
    instanceId: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/)
      .optional()
      .describe("Stable id of this dispatcher process (e.g. the pod name): a restarted process fences its predecessor's open transactions at once instead of waiting for them to time out; random by default"),
    shutdownTimeoutMs: z.number().int().min(0).default(30_000).describe('How long stopping an endpoint lets its running deliveries finish, in milliseconds'),
  })
  .strict()
  .describe('Webhook dispatcher options');

export type WebhookDispatcherOptions = z.infer<typeof WebhookDispatcherOptionsSchema>;
export type WebhookDispatcherOptionsInput = z.input<typeof WebhookDispatcherOptionsSchema>;
