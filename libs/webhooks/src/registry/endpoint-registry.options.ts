import { z } from 'zod';

/** Options of a {@link WebhookEndpointRegistry} (parsed once, at the edge). */
export const EndpointRegistryOptionsSchema = z
  .object({
    topic: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,249}$/)
      .optional()
      .describe('The compacted endpoints topic; default switchyard.state.webhooks (another name isolates a test or a second installation)'),
    replicationFactor: z.number().int().min(1).default(1).describe('Replication factor of the endpoints topic when it is created'),
    rotationGraceMs: z
      .number()
      .int()
      .nonnegative()
      .default(86_400_000)
      .describe('How long the previous secret keeps signing after a rotation, in milliseconds (default 24 h)'),
  })
  .describe('Webhook endpoint registry options');

export type EndpointRegistryOptions = z.infer<typeof EndpointRegistryOptionsSchema>;
export type EndpointRegistryOptionsInput = z.input<typeof EndpointRegistryOptionsSchema>;
