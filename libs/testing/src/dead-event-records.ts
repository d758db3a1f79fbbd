/** Dead events as the subscription runtime writes them, for tests of subscription DLQs (libs/ops, `switchyard dlq --subscription`). */
import { encodeDeadLetter, encodeEventRecord, eventTopic, type IncomingRecord, type OutgoingRecord } from '@switchyard/kafka';

export interface DeadEventSpec {
  readonly id: string;
  readonly name: string;
  readonly tenant: string;
  /** The failed handler (sy-dlq-handler); none for a record that failed before any handler ran. */
  readonly handler?: string;
  readonly code: string;
  /** Headers the failed delivery carried (e.g. the retry state of a record from a retry topic). */
  readonly delivery?: Readonly<Record<string, string>>;
  /** ISO time it died (default now). */
  readonly deadAt?: string;
}

const toBuffers = (headers: Readonly<Record<string, string | Buffer>>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]));

/**
 * The DLQ record of `event`: the CloudEvents record as consumed from `events.<domain>` at
 * `originOffset`, byte for byte, plus the `sy-dlq-*` headers (dead-letter.v1).
 */
export function deadEventRecord(event: DeadEventSpec, originOffset = 0): OutgoingRecord {
  const at = event.deadAt ?? new Date().toISOString();
  const encoded = encodeEventRecord(
    { id: event.id, name: event.name, source: 'cli-test', timestamp: at, priority: 'normal', tenantId: event.tenant, contentType: 'application/json' },
    JSON.stringify({ eventId: event.id }),
    event.delivery,
  );
  const consumed: IncomingRecord = {
    topic: eventTopic(event.name),
    partition: 0,
    offset: String(originOffset),
    key: Buffer.from(event.tenant),
    value: Buffer.from(String(encoded.value)),
    headers: toBuffers(encoded.headers ?? {}),
    timestamp: String(Date.parse(at)),
  };
  return encodeDeadLetter(consumed, {
    code: event.code,
    error: { message: `${event.handler ?? 'the subscription'} failed on ${event.id}`, code: event.code },
    origin: { topic: consumed.topic, partition: 0, offset: consumed.offset },
    attempts: 3,
    firstFailedAt: at,
    lastFailedAt: at,
    deadAt: at,
    ...(event.handler ? { failedHandler: event.handler } : {}),
  });
}

/** `record` as read back from `topic` at `partition`/`offset`. */
export function asIncoming(record: OutgoingRecord, topic: string, partition: number, offset: number): IncomingRecord {
  const bytes = (v: string | Buffer | null | undefined) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));
  return { topic, partition, offset: String(offset), key: bytes(record.key), value: bytes(record.value), headers: toBuffers(record.headers ?? {}), timestamp: record.timestamp ?? String(Date.now()) };
}
