import { SwitchyardError, UnrecoverableError, type Event, type EventWebhookConfig } from '@switchyard/protocol';

/** The transform of an endpoint: the seed's `(event) => any`. */
export type WebhookTransform = NonNullable<EventWebhookConfig['transform']>;

/** What one event becomes on the wire to one endpoint. */
export interface WebhookMessage {
  /** `webhook-id`: `msg_<event id>`, the same for every attempt and every redrive of the event. */
  readonly messageId: string;
  /** The exact JSON body that is signed and sent. */
  readonly body: string;
}

/**
 * The message of an event: without a transform the Standard Webhooks payload shape
 * `{ type, timestamp, data }` (plus the event `id` and `metadata`); with one, the JSON of what it
 * returns.
 * @throws SwitchyardError `SY_INVALID_EVENT` for an event without id (receivers deduplicate on it);
 *   `UnrecoverableError` when the transform throws or returns something that is not JSON
 *   (retrying cannot fix a transform: the delivery goes to the endpoint's dead letters).
 */
export function webhookMessage(event: Event, transform?: WebhookTransform): WebhookMessage {
  if (!event.id) {
    throw new SwitchyardError('SY_INVALID_EVENT', `event.id: an event delivered by webhook needs an id (${event.name} has none).`, { hint: 'Publish events through the event bus, which gives every event an id.' });
  }
  const messageId = `msg_${event.id}`;
  if (!transform) {
    return { messageId, body: JSON.stringify({ id: event.id, type: event.name, timestamp: event.metadata.timestamp, data: event.payload ?? null, metadata: event.metadata }) };
  }
  let body: string | undefined;
  try {
    body = JSON.stringify(transform(event));
  } catch (cause) {
    throw new UnrecoverableError(`The webhook transform failed on event ${event.id} (${event.name}): ${(cause as Error)?.message ?? String(cause)}`, { cause, details: { eventId: event.id } });
  }
  if (body === undefined) throw new UnrecoverableError(`The webhook transform returned nothing JSON can carry for event ${event.id} (${event.name}).`, { details: { eventId: event.id } });
  return { messageId, body };
}
