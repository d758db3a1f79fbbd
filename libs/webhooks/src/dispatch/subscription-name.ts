import { createHash } from 'node:crypto';
import { QUEUE_NAME_PATTERN } from '@switchyard/protocol';

/** Prefix of the event-bus subscription of each endpoint (its consumer group, retry topics and DLQ carry it). */
export const WEBHOOK_SUBSCRIPTION_PREFIX = 'webhook-';

/**
 * The event-bus subscription of an endpoint: `webhook-<id>` when the id is already a valid
 * subscription name piece (lower case, digits, `_`, `-`), else `webhook-<id lower-cased, other
 * characters as "_", cut>-<8 hex of the id's SHA-256>` so two ids never share a subscription.
 * Its dead letters are `events.<domain>.dlq.<this name>` (`switchyard dlq ... --subscription`).
 */
export function webhookSubscriptionName(endpointId: string): string {
  const plain = `${WEBHOOK_SUBSCRIPTION_PREFIX}${endpointId}`;
  if (QUEUE_NAME_PATTERN.test(plain)) return plain;
  const hash = createHash('sha256').update(endpointId).digest('hex').slice(0, 8);
  const cleaned = endpointId.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 80);
  return `${WEBHOOK_SUBSCRIPTION_PREFIX}${cleaned}-${hash}`;
}
