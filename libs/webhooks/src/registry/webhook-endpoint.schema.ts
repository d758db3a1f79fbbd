import { z } from 'zod';
import { EventPatternSchema } from '@switchyard/kafka';
import { EventWebhookConfigSchema } from '@switchyard/protocol';

/** Endpoint ids: letters, digits, `.`, `_`, `-` (1-128), so they fit keys, topic names and URLs. */
export const WEBHOOK_ENDPOINT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * A stored webhook endpoint: the seed's EventWebhookConfig (same names, enums and defaults),
 * with a required `id` and an optional `tenant`. `transform` is code, not data: it cannot live in
 * a topic, so the dispatcher will take transforms per endpoint id in its own options.
 */
export const WebhookEndpointSchema = EventWebhookConfigSchema.omit({ transform: true })
  .extend({
    eventPattern: EventPatternSchema.describe('Event name pattern, as subscriptions read it (user.*, *.created, *)'),
    id: z.string().regex(WEBHOOK_ENDPOINT_ID_PATTERN, 'letters, digits, ".", "_" or "-" (1-128)').describe('Endpoint id (key in the endpoints topic)'),
    tenant: z.string().min(1).optional().describe('Tenant whose events the endpoint receives (all tenants when absent)'),
    description: z.string().max(500).optional().describe('What the endpoint is for'),
    concurrency: z.number().int().min(1).max(1_000).optional().describe("Deliveries to this endpoint in flight at once per dispatcher process (default: the dispatcher's)"),
    ordered: z
      .boolean()
      .optional()
      .describe('Keep retries in order per event key: a later event of a key waits behind one being retried (events of one key are always sent one at a time)'),
  })
  .describe('Webhook endpoint');

export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;
export type WebhookEndpointInput = z.input<typeof WebhookEndpointSchema>;
