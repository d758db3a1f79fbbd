import { z } from 'zod';
import { isErrorCode, type ErrorCode } from '@switchyard/protocol';
import type { IncomingRecord, OutgoingRecord } from '@switchyard/kafka';
import type { DeliveryAttemptResult } from '../delivery/delivery-attempt.js';
import type { NextStep } from '../delivery/retry-plan.js';

/**
 * One delivery attempt in the delivery log (`webhook-delivery.v1`): which endpoint, which event,
 * which attempt, the status code, latency, response snippet and error, and what came next. Keyed
 * by endpoint id (a log topic partitioned by endpoint keeps each endpoint's attempts in order);
 * queryable per endpoint and per event id with {@link matchesDeliveryQuery}.
 */
export const WEBHOOK_DELIVERY_V1 = 'webhook-delivery.v1';

export const DeliveryLogRecordSchema = z.object({
  format: z.literal(WEBHOOK_DELIVERY_V1),
  endpointId: z.string().min(1),
  eventId: z.string().min(1),
  /** The `webhook-id` sent (stable across the attempts of one event). */
  messageId: z.string().min(1),
  attempt: z.number().int().positive(),
  outcome: z.enum(['succeeded', 'failed', 'timeout', 'throttled', 'gone', 'refused']),
  startedAt: z.iso.datetime({ offset: true }),
  latencyMs: z.number().nonnegative(),
  statusCode: z.number().int().optional(),
  responseSnippet: z.string().optional(),
  responseTruncated: z.boolean().optional(),
  address: z.string().optional(),
  location: z.string().optional(),
  retryAfterMs: z.number().int().nonnegative().optional(),
  error: z
    .object({ code: z.custom<ErrorCode>(isErrorCode, 'not a catalog error code'), message: z.string(), retriable: z.boolean() })
    .optional(),
  next: z.enum(['done', 'disable', 'retry', 'dead']).optional(),
  nextDelayMs: z.number().int().nonnegative().optional(),
});

export type DeliveryLogRecord = z.infer<typeof DeliveryLogRecordSchema>;

/** The log record of an attempt (and of the step planned after it). */
export function deliveryLogRecord(endpointId: string, eventId: string, result: DeliveryAttemptResult, next?: NextStep): DeliveryLogRecord {
  return DeliveryLogRecordSchema.parse({
    format: WEBHOOK_DELIVERY_V1,
    endpointId,
    eventId,
    ...result,
    ...(next ? { next: next.action, ...(next.action === 'retry' ? { nextDelayMs: next.delayMs } : {}) } : {}),
  });
}

export function encodeDeliveryLogRecord(record: DeliveryLogRecord): OutgoingRecord {
  return { key: record.endpointId, value: JSON.stringify(record) };
}

/** Decodes a log record; undefined for anything unreadable (skipped by readers). */
export function decodeDeliveryLogRecord(record: Pick<IncomingRecord, 'value'>): DeliveryLogRecord | undefined {
  if (record.value === null) return undefined;
  try {
    const parsed = DeliveryLogRecordSchema.safeParse(JSON.parse(record.value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A delivery log query: by endpoint, by event, or both. */
export interface DeliveryLogQuery {
  readonly endpointId?: string;
  readonly eventId?: string;
}

export function matchesDeliveryQuery(record: DeliveryLogRecord, query: DeliveryLogQuery): boolean {
  return (query.endpointId === undefined || record.endpointId === query.endpointId) && (query.eventId === undefined || record.eventId === query.eventId);
}
