import type { EventAttributes } from '@switchyard/kafka';
import type { BusEvent } from './event-handler.js';

/** The event handlers see, from a record's CloudEvents attributes and its decoded payload. */
export function toBusEvent(a: EventAttributes, payload: unknown): BusEvent {
  return {
    id: a.id,
    name: a.name,
    payload,
    metadata: {
      source: a.source,
      timestamp: a.timestamp,
      priority: a.priority,
      ...(a.tenantId ? { tenantId: a.tenantId } : {}),
      ...(a.userId ? { userId: a.userId } : {}),
      ...(a.correlationId ? { correlationId: a.correlationId } : {}),
      ...(a.causationId ? { causationId: a.causationId } : {}),
    },
  };
}
