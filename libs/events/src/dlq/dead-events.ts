import type { DeadLetterQueueEntry } from '@switchyard/protocol';
import { decodeDeadLetter, decodeEventRecord, originalHeaders, parseEventDlqTopic, scanTopics, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import type { EventCodec } from '../catalog/event-codec.js';
import { toBusEvent } from '../subscribe/bus-event.js';

/** A dead letter of a subscription: the protocol's DeadLetterQueueEntry plus where it sits. */
export type DeadEvent = DeadLetterQueueEntry & {
  /** `events.<domain>.dlq.<subscription>/<partition>/<offset>` (also the entry id). */
  readonly location: { readonly topic: string; readonly partition: number; readonly offset: string };
  /** Error catalog code of the final failure (e.g. SY_EVENT_HANDLER_TIMEOUT, SY_UNDECODABLE_MESSAGE). */
  readonly code: string;
};

/** A dead letter that is not a readable event (garbage that reached the subscription): kept raw. */
export interface DeadRecord {
  readonly location: { readonly topic: string; readonly partition: number; readonly offset: string };
  readonly code: string;
  readonly reason: string;
}

/**
 * The dead letters of a subscription across its domains, oldest first per partition, as the
 * protocol's DeadLetterQueueEntry (`retries` = attempts after the first). Records that are not
 * readable events come back separately in `unreadable`. With `tenantId`, only that tenant's: events
 * whose `metadata.tenantId` is it, and unreadable records keyed by it (the key is the tenant id).
 */
export async function readDeadEvents(client: KafkaClient, codec: EventCodec, subscription: string, tenantId?: string): Promise<{ readonly entries: DeadEvent[]; readonly unreadable: DeadRecord[] }> {
  const admin = client.admin();
  await admin.connect();
  let topics: string[];
  try {
    topics = (await admin.listTopics()).filter((t) => parseEventDlqTopic(t)?.subscription === subscription).sort();
  } finally {
    await admin.disconnect();
  }
  const records: IncomingRecord[] = [];
  await scanTopics(client, topics, (record) => void records.push(record));
  const entries: DeadEvent[] = [];
  const unreadable: DeadRecord[] = [];
  for (const record of records) {
    const location = { topic: record.topic, partition: record.partition, offset: record.offset };
    const info = decodeDeadLetter(record);
    const decoded = decodeEventRecord({ ...record, headers: originalHeaders(record) });
    if (!info || !decoded.ok) {
      if (tenantId !== undefined && record.key?.toString('utf8') !== tenantId) continue;
      unreadable.push({ location, code: info?.code ?? 'SY_UNDECODABLE_MESSAGE', reason: info?.error.message ?? 'not a dead letter' });
      continue;
    }
    if (tenantId !== undefined && decoded.attributes.tenantId !== tenantId) continue;
    let payload: unknown;
    try {
      payload = await codec.decode(decoded.attributes, decoded.data);
    } catch {
      payload = decoded.data?.toString('utf8') ?? null;
    }
    entries.push({
      id: `${record.topic}/${record.partition}/${record.offset}`,
      location,
      code: info.code,
      event: toBusEvent(decoded.attributes, payload),
      error: { message: info.error.message, code: info.error.code ?? info.code, ...(info.error.stack ? { stack: info.error.stack } : {}) },
      retries: Math.max(0, info.attempts - 1),
      firstFailedAt: info.firstFailedAt,
      lastFailedAt: info.lastFailedAt,
      ...(info.failedHandler ? { failedHandler: info.failedHandler } : {}),
    });
  }
  return { entries, unreadable };
}
