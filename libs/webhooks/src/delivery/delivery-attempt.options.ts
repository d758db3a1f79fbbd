import { z } from 'zod';
import { DEFAULT_RETRY_AFTER_CAP_MS } from './retry-after.js';

/** Options of a {@link WebhookDeliverer} (parsed once, at the edge). */
export const DeliveryAttemptOptionsSchema = z
  .object({
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(65_536)
      .describe('Bytes of a response body read at most (the rest is dropped with the connection)'),
    snippetBytes: z
      .number()
      .int()
      .nonnegative()
      .default(1_024)
      .describe('Bytes of the response body kept in the delivery record'),
    retryAfterCapMs: z
      .number()
      .int()
      .positive()
      .default(DEFAULT_RETRY_AFTER_CAP_MS)
      .describe('Longest wait a Retry-After header can ask for, in milliseconds'),
    userAgent: z.string().min(1).default('Switchyard-Webhooks/0.1').describe('User-Agent header of deliveries'),
  })
  .describe('Delivery attempt options');

export type DeliveryAttemptOptions = z.infer<typeof DeliveryAttemptOptionsSchema>;
export type DeliveryAttemptOptionsInput = z.input<typeof DeliveryAttemptOptionsSchema>;
