import { z } from 'zod';

/**
 * The retry policy the seed gives both EventQueueConfig.retryPolicy and
 * EventWebhookConfig.retryPolicy (same fields and defaults; unlike TaskRetryPolicy it has no
 * multiplier). Defined once here.
 */
export const EventRetryPolicySchema = z
  .object({
    maxRetries: z.number().int().min(0).default(3).describe('Maximum retry attempts'),
    backoffStrategy: z
      .enum(['fixed', 'linear', 'exponential'])
      .default('exponential')
      .describe('Backoff strategy'),
    initialDelayMs: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Initial retry delay in milliseconds'),
    maxDelayMs: z
      .number()
      .int()
      .positive()
      .default(60000)
      .describe('Maximum retry delay in milliseconds'),
  })
  .describe('Retry policy with a backoff strategy');
