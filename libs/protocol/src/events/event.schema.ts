import { z } from 'zod';
import { SwitchyardError } from '../errors/switchyard.error.js';
import { isoDateTime } from '../primitives.schema.js';

/** Event name: at least 3 chars, lowercase, dot-separated, e.g. `user.created`. */
export const EventNameSchema = z
  .string()
  .min(3)
  .regex(/^[a-z][a-z0-9_.]*$/, {
    message: 'must start with a-z and contain only a-z, 0-9, _ or . (e.g. user.created)',
  })
  .describe('Event name (lowercase, dot-separated, e.g. user.created)');

/** An event name. */
export type EventName = z.infer<typeof EventNameSchema>;

/** Event priority, by name. Lower numbers (see {@link EVENT_PRIORITY_VALUES}) = higher priority. */
export const EventPriority = z
  .enum(['critical', 'high', 'normal', 'low', 'background'])
  .describe(
    'Event priority: critical (process immediately, block if necessary), high (process soon, minimal delay), normal (default), low (when resources available), background (during idle time)',
  );

/** An event priority name. */
export type EventPriority = z.infer<typeof EventPriority>;

/** Numeric value of each event priority. Lower numbers = higher priority. */
export const EVENT_PRIORITY_VALUES = {
  critical: 0,
  high: 1,
  normal: 2,
  low: 3,
  background: 4,
} as const satisfies Record<EventPriority, number>;

/**
 * Maps a numeric priority 0..4 to its name (0 = `critical` ... 4 = `background`).
 * @throws SwitchyardError `SY_INVALID_EVENT` for anything else.
 */
export function eventPriorityFromNumber(n: number): EventPriority {
  const name = EventPriority.options.find((p) => EVENT_PRIORITY_VALUES[p] === n);
  if (name === undefined) {
    throw new SwitchyardError(
      'SY_INVALID_EVENT',
      `Invalid event priority ${String(n)}: expected an integer 0..4 (0=critical, 1=high, 2=normal, 3=low, 4=background)`,
      {
        hint: 'Use a priority name (critical, high, normal, low, background) or a number 0..4.',
        details: { priority: n },
      },
    );
  }
  return name;
}

/** Metadata of an event: who emitted it, when, and for tracing. */
export const EventMetadataSchema = z
  .object({
    source: z.string().describe('Event source (plugin name or system component)'),
    timestamp: isoDateTime().describe('ISO 8601 datetime the event was emitted'),
    userId: z.string().optional().describe('User who triggered the event'),
    tenantId: z.string().optional().describe('Tenant identifier'),
    correlationId: z.string().optional().describe('Correlation ID for event tracing'),
    causationId: z.string().optional().describe('ID of the event that caused this event'),
    priority: EventPriority.default('normal').describe('Event priority'),
  })
  .describe('Event metadata');

/** Parsed {@link EventMetadataSchema}. */
export type EventMetadata = z.infer<typeof EventMetadataSchema>;
/** Input of {@link EventMetadataSchema}. */
export type EventMetadataInput = z.input<typeof EventMetadataSchema>;

/** Catalog entry of an event type: version, payload JSON Schema, deprecation. */
export const EventTypeDefinitionSchema = z
  .object({
    name: EventNameSchema.describe('Event type name'),
    version: z.string().default('1.0.0').describe('Event schema version'),
    schema: z.unknown().optional().describe('JSON Schema for event payload validation'),
    description: z.string().optional().describe('Event type description'),
    deprecated: z.boolean().default(false).describe('Whether this event type is deprecated'),
    tags: z.array(z.string()).optional().describe('Event type tags'),
  })
  .describe('Event type definition');

/** Parsed {@link EventTypeDefinitionSchema}. */
export type EventTypeDefinition = z.infer<typeof EventTypeDefinitionSchema>;
/** Input of {@link EventTypeDefinitionSchema}. */
export type EventTypeDefinitionInput = z.input<typeof EventTypeDefinitionSchema>;

/** An event published on the bus. */
export const EventSchema = z
  .object({
    id: z.string().optional().describe('Unique event identifier (for tracking and deduplication)'),
    name: EventNameSchema.describe('Event name (e.g. user.created)'),
    payload: z.unknown().describe('Event payload'),
    metadata: EventMetadataSchema.describe('Event metadata'),
  })
  .describe('Event');

/** Parsed {@link EventSchema}. */
export type Event = z.infer<typeof EventSchema>;
/** Input of {@link EventSchema}. */
export type EventInput = z.input<typeof EventSchema>;
