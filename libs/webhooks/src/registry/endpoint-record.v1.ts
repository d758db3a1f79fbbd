import { z } from 'zod';
import type { IncomingRecord, OutgoingRecord } from '@switchyard/kafka';
import { WebhookEndpointSchema } from './webhook-endpoint.schema.js';

/**
 * Records of the compacted endpoints topic (`switchyard.state.webhooks`): key = endpoint id,
 * value = webhook-endpoint.v1, null = deleted (a tombstone compaction eventually drops).
 * The signing secrets are in the value: restrict the topic with ACLs like any credential store.
 */
export const WEBHOOK_ENDPOINT_V1 = 'webhook-endpoint.v1';

const StoredEndpointSchema = z.object({
  format: z.literal(WEBHOOK_ENDPOINT_V1),
  endpoint: WebhookEndpointSchema,
  /** The current signing secret (whsec_...). */
  secret: z.string(),
  /** The secret before the last rotation, still signed with until `expiresAt`. */
  previousSecret: z.object({ secret: z.string(), expiresAt: z.iso.datetime({ offset: true }) }).optional(),
  /** Why the endpoint is disabled, when the dispatcher disabled it (e.g. `410 Gone`). */
  disabledReason: z.string().optional(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

/** An endpoint as stored, secrets included (never hand it to a front end as is). */
export type StoredEndpoint = z.infer<typeof StoredEndpointSchema>;

export function encodeStoredEndpoint(stored: Omit<StoredEndpoint, 'format'>): OutgoingRecord {
  return { key: stored.endpoint.id, value: JSON.stringify({ format: WEBHOOK_ENDPOINT_V1, ...stored }) };
}

export function encodeEndpointDeletion(id: string): OutgoingRecord {
  return { key: id, value: null };
}

/** A decoded record: an endpoint, a deletion, or undefined for anything unreadable (skipped). */
export function decodeEndpointRecord(record: Pick<IncomingRecord, 'key' | 'value'>): { readonly id: string; readonly stored: StoredEndpoint | null } | undefined {
  const id = record.key?.toString('utf8');
  if (!id) return undefined;
  if (record.value === null) return { id, stored: null };
  let value: unknown;
  try {
    value = JSON.parse(record.value.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = StoredEndpointSchema.safeParse(value);
  return parsed.success && parsed.data.endpoint.id === id ? { id, stored: parsed.data } : undefined;
}

/** The current table: the last record per key wins, tombstones remove. */
export function foldEndpoints(records: Iterable<Pick<IncomingRecord, 'key' | 'value'>>): Map<string, StoredEndpoint> {
  const table = new Map<string, StoredEndpoint>();
  for (const record of records) {
    const decoded = decodeEndpointRecord(record);
    if (!decoded) continue;
    if (decoded.stored) table.set(decoded.id, decoded.stored);
    else table.delete(decoded.id);
  }
  return table;
}

/** The secrets to sign with at `nowMs`: the current one, and the previous one until it expires. */
export function signingSecrets(stored: Pick<StoredEndpoint, 'secret' | 'previousSecret'>, nowMs: number): string[] {
  const previous = stored.previousSecret;
  return previous && Date.parse(previous.expiresAt) > nowMs ? [stored.secret, previous.secret] : [stored.secret];
}
