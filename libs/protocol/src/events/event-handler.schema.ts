import { z } from 'zod';
import { fn, timerMs } from '../primitives.schema.js';
import type { Event } from './event.schema.js';

/** An event handler function. */
export type EventHandlerFn = (event: Event) => Promise<void>;
/** An event predicate (handler filter, persistence filter, channel filter). */
export type EventFilterFn = (event: Event) => boolean;
/** An event transform (routes, webhooks). */
export type EventTransformFn = (event: Event) => unknown;

/** A subscription of a handler to an event name pattern. */
export const EventHandlerSchema = z
  .object({
    id: z.string().optional().describe('Unique handler identifier'),
    eventName: z.string().describe('Event name to listen to (supports wildcards like user.*)'),
    handler: fn<EventHandlerFn>().describe('Handler function (event) => Promise<void>'),
    priority: z
      .number()
      .int()
      .default(0)
      .describe('Execution priority (lower numbers execute first)'),
    async: z
      .boolean()
      .default(true)
      .describe('Execute in background (true) or block (false)'),
    retry: z
      .object({
        maxRetries: z.number().int().min(0).default(3).describe('Maximum retry attempts'),
        backoffMs: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('Initial backoff delay in milliseconds'),
        backoffMultiplier: z.number().positive().default(2).describe('Backoff multiplier'),
      })
      .optional()
      .describe('Retry policy for failed handlers'),
    timeoutMs: timerMs().optional().describe('Handler timeout in milliseconds'),
    filter: fn<EventFilterFn>()
      .optional()
      .describe('Optional predicate (event) => boolean; the handler runs only when it returns true'),
  })
  .describe('Event handler');

/** Parsed {@link EventHandlerSchema}. */
export type EventHandler = z.infer<typeof EventHandlerSchema>;
/** Input of {@link EventHandlerSchema}. */
export type EventHandlerInput = z.input<typeof EventHandlerSchema>;

/** Routes events matching a pattern to other event names. Not referenced by EventBusConfig. */
export const EventRouteSchema = z
  .object({
    from: z.string().describe('Source event pattern (e.g. user.* or *.created)'),
    to: z.array(z.string()).describe('Target event names'),
    transform: fn<EventTransformFn>().optional().describe('Optional transform (event) => any'),
  })
  .describe('Event route');

/** Parsed {@link EventRouteSchema}. */
export type EventRoute = z.infer<typeof EventRouteSchema>;
/** Input of {@link EventRouteSchema}. */
export type EventRouteInput = z.input<typeof EventRouteSchema>;
