import { EventLogEntrySchema, type EventLogEntry } from '@switchyard/protocol';
import { CLOUDEVENT_HEADERS, EVENT_LOG_TOPIC, scanTopics, type IncomingRecord, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';

/** Headers of an event-log record, so lookups filter without parsing values. */
export const EVENT_LOG_HEADERS = Object.freeze({
  subscription: 'sy-log-subscription',
  eventId: CLOUDEVENT_HEADERS.id,
  eventType: CLOUDEVENT_HEADERS.type,
  correlationId: CLOUDEVENT_HEADERS.correlationid,
});

/** An EventLogEntry as the bus writes it: which subscription handled the event. */
export type SubscriptionLogEntry = EventLogEntry & { readonly subscription: string };

/** One log record per event a subscription handled, keyed by event id (JSON value). */
export function encodeLogEntry(entry: SubscriptionLogEntry): OutgoingRecord {
  const correlationId = entry.event.metadata.correlationId;
  return {
    key: entry.event.id ?? entry.id,
    value: JSON.stringify(entry),
    headers: {
      [EVENT_LOG_HEADERS.subscription]: entry.subscription,
      [EVENT_LOG_HEADERS.eventId]: entry.event.id ?? entry.id,
      [EVENT_LOG_HEADERS.eventType]: entry.event.name,
      ...(correlationId ? { [EVENT_LOG_HEADERS.correlationId]: correlationId } : {}),
    },
  };
}

const LogRecordSchema = EventLogEntrySchema.extend({ subscription: EventLogEntrySchema.shape.id });

/** Reads a log record back; undefined when it is not one. */
export function decodeLogEntry(record: IncomingRecord): SubscriptionLogEntry | undefined {
  try {
    const parsed = LogRecordSchema.safeParse(JSON.parse(record.value?.toString('utf8') ?? 'null'));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface EventLogQuery {
  readonly eventId?: string;
  readonly correlationId?: string;
  readonly subscription?: string;
  /** Only entries of events of this tenant (`metadata.tenantId`); a tenant-scoped bus always sets its own. */
  readonly tenantId?: string;
  /** Give up after this long (ms). Default 30 000. */
  readonly timeoutMs?: number;
}

/**
 * Finds the log entries of an event (by id) or of a whole causal chain (by correlation id),
 * optionally of one subscription or one tenant. Scans the log topic from its start to its end as of the call
 * (headers only, values of matches are parsed): fine for operator lookups, not a hot path.
 */
export async function findEventLog(client: KafkaClient, query: EventLogQuery): Promise<SubscriptionLogEntry[]> {
  const h = (record: IncomingRecord, name: string) => record.headers[name]?.toString('utf8');
  const found: SubscriptionLogEntry[] = [];
  await scanTopics(
    client,
    [EVENT_LOG_TOPIC],
    (record) => {
      if (query.eventId !== undefined && h(record, EVENT_LOG_HEADERS.eventId) !== query.eventId) return;
      if (query.correlationId !== undefined && h(record, EVENT_LOG_HEADERS.correlationId) !== query.correlationId) return;
      if (query.subscription !== undefined && h(record, EVENT_LOG_HEADERS.subscription) !== query.subscription) return;
      const entry = decodeLogEntry(record);
      if (entry && (query.tenantId === undefined || entry.event.metadata.tenantId === query.tenantId)) found.push(entry);
    },
    { timeoutMs: query.timeoutMs ?? 30_000 },
  );
  return found.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}
