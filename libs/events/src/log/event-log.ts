import { randomUUID } from 'node:crypto';
import { EventLogEntrySchema, type EventLogEntry } from '@switchyard/protocol';
import { CLOUDEVENT_HEADERS, EVENT_LOG_TOPIC, type IncomingRecord, type KafkaClient, type OutgoingRecord } from '@switchyard/kafka';

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
  /** Give up after this long (ms). Default 30 000. */
  readonly timeoutMs?: number;
}

/**
 * Finds the log entries of an event (by id) or of a whole causal chain (by correlation id),
 * optionally of one subscription. Scans the log topic from its start to its end as of the call
 * (headers only, values of matches are parsed): fine for operator lookups, not a hot path.
 */
export async function findEventLog(client: KafkaClient, query: EventLogQuery): Promise<SubscriptionLogEntry[]> {
  const admin = client.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(EVENT_LOG_TOPIC)) return [];
    ends = new Map((await admin.topicOffsets(EVENT_LOG_TOPIC)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  const matches = (record: IncomingRecord) => {
    const h = (name: string) => record.headers[name]?.toString('utf8');
    if (query.eventId !== undefined && h(EVENT_LOG_HEADERS.eventId) !== query.eventId) return false;
    if (query.correlationId !== undefined && h(EVENT_LOG_HEADERS.correlationId) !== query.correlationId) return false;
    if (query.subscription !== undefined && h(EVENT_LOG_HEADERS.subscription) !== query.subscription) return false;
    return true;
  };
  // A throwaway group that never commits: the scan leaves no state behind.
  const consumer = client.consumer({ groupId: `switchyard.event-log-reader.${randomUUID()}`, maxWaitTimeMs: 100 });
  const found: SubscriptionLogEntry[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe([EVENT_LOG_TOPIC], { fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event log scan did not reach the end of ${EVENT_LOG_TOPIC} within ${query.timeoutMs ?? 30_000} ms`)), query.timeoutMs ?? 30_000);
      const done = () => {
        if (ends.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      void consumer
        .run({
          eachBatch: async (batch) => {
            const end = ends.get(batch.partition);
            if (end === undefined) return;
            for (const record of batch.records) {
              if (BigInt(record.offset) >= end) break;
              if (!matches(record)) continue;
              const entry = decodeLogEntry(record);
              if (entry) found.push(entry);
            }
            if (BigInt(batch.lastOffset) + 1n >= end) {
              ends.delete(batch.partition);
              done();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return found.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}
