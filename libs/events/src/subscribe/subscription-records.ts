import {
  CLOUDEVENT_HEADERS,
  EVENT_HEADERS,
  EVENT_LOG_TOPIC,
  encodeDeadLetter,
  eventDlqTopic,
  eventDomain,
  parseEventTopic,
  subscriptionRetryTopic,
  type IncomingRecord,
  type OutgoingRecord,
  type RetryTier,
} from '@switchyard/kafka';
import { isoAt, type ErrorInfo } from '@switchyard/pipeline';
import { encodeLogEntry } from '../log/event-log.js';
import type { BusEvent } from './event-handler.js';
import type { HandlerOutcome } from './handler-execution.js';
import { header, type Item } from './subscription-item.js';

/** A record an outcome produces, with its topic: what the committer writes in the transaction. */
export interface RoutedRecord {
  readonly topic: string;
  readonly record: OutgoingRecord;
}

/** Headers the bus sets on records it moves; dropped before a record is moved again. */
const MOVE_HEADERS = new Set<string>([EVENT_HEADERS.handler, EVENT_HEADERS.attempt, EVENT_HEADERS.notBefore, EVENT_HEADERS.firstFailureAt, EVENT_HEADERS.targetHandlers, EVENT_HEADERS.parkedBehind]);

/** How one event ended across its handlers. */
export type EventOutcome = 'dead' | 'failed' | 'parked' | 'completed';

/**
 * The outcome records of one subscription (STYLE.md #7, the retry/DLQ router): moves into its
 * retry tiers (a retry, a park behind a key, a not-yet-due record to a later tier), dead letters to
 * `events.<domain>.dlq.<name>`, and event log entries.
 */
export class SubscriptionRecords {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  /** A not-yet-due retry moved on to the tier of its remaining wait; its retry headers kept. */
  tierMove(record: IncomingRecord, tier: RetryTier): RoutedRecord {
    return { topic: subscriptionRetryTopic(this.#name, tier), record: movedRecord(record, {}) };
  }

  /** The moves and dead letters of an event's handler outcomes. */
  ofOutcomes(item: Item, domain: string, outcomes: readonly HandlerOutcome[], receivedAt: number): RoutedRecord[] {
    const records: RoutedRecord[] = [];
    const firstFailureAt = header(item.record, EVENT_HEADERS.firstFailureAt);
    for (const o of outcomes) {
      if (o.retry) {
        records.push(this.#handlerMove(item.record, o, o.retry, { [EVENT_HEADERS.firstFailureAt]: firstFailureAt ?? isoAt(receivedAt) }));
      } else if (o.dead) {
        records.push(this.deadLetter(item, domain, o.error!, o.attempt, o.handler.id, firstFailureAt ?? isoAt(receivedAt)));
      } else if (o.parked) {
        records.push(this.#handlerMove(item.record, o, o.parked, { [EVENT_HEADERS.parkedBehind]: o.parked.behind, ...(firstFailureAt ? { [EVENT_HEADERS.firstFailureAt]: firstFailureAt } : {}) }));
      }
    }
    return records;
  }

  /** The event log entry of an event (`pending` while a handler is parked). */
  logEntry(item: Item, event: BusEvent, outcomes: readonly HandlerOutcome[], receivedAt: number, withPayload: boolean): RoutedRecord {
    const { record } = item;
    const executed = outcomes.filter((o): o is HandlerOutcome & { status: 'success' | 'failed' | 'timeout' } => o.status !== 'parked');
    const status = executed.some((o) => o.status !== 'success') ? 'failed' : executed.length < outcomes.length ? 'pending' : 'completed';
    return {
      topic: EVENT_LOG_TOPIC,
      record: encodeLogEntry({
        id: `${this.#name}/${record.topic}/${record.partition}/${record.offset}`,
        subscription: this.#name,
        event: withPayload ? event : { id: event.id, name: event.name, payload: null, metadata: event.metadata },
        status,
        handlersExecuted: executed.map((o) => ({ handlerId: o.handler.id, status: o.status, durationMs: Math.round(o.durationMs), ...(o.error ? { error: o.error.message } : {}) })),
        receivedAt: isoAt(receivedAt),
        processedAt: isoAt(Date.now()),
        totalDurationMs: Date.now() - receivedAt,
      }),
    };
  }

  /** A dead letter: the source record byte for byte plus why it died, its first origin kept. */
  deadLetter(item: Item, domain: string, error: ErrorInfo, attempts: number, handlerId: string | undefined, firstFailedAt: string): RoutedRecord {
    const now = isoAt(Date.now());
    const origin = parseOrigin(header(item.record, EVENT_HEADERS.origin)) ?? { topic: item.record.topic, partition: item.record.partition, offset: item.record.offset };
    return {
      topic: eventDlqTopic(domain, this.#name),
      record: encodeDeadLetter(item.record, { code: error.code, error, origin, attempts, firstFailedAt, lastFailedAt: now, deadAt: now, ...(handlerId ? { failedHandler: handlerId } : {}) }),
    };
  }

  /** One handler's record into a retry tier (a retry, or a park behind its key), due at `due.notBefore`. */
  #handlerMove(record: IncomingRecord, o: HandlerOutcome, due: { readonly notBefore: number; readonly tier: RetryTier }, extra: Readonly<Record<string, string>>): RoutedRecord {
    return {
      topic: subscriptionRetryTopic(this.#name, due.tier),
      record: movedRecord(record, { [EVENT_HEADERS.handler]: o.handler.id, [EVENT_HEADERS.attempt]: String(o.attempt), [EVENT_HEADERS.notBefore]: isoAt(due.notBefore), ...extra }),
    };
  }
}

/** How an event ended across its handlers' outcomes. */
export function eventOutcome(outcomes: readonly HandlerOutcome[]): EventOutcome {
  if (outcomes.some((o) => o.dead)) return 'dead';
  if (outcomes.some((o) => o.status === 'failed' || o.status === 'timeout')) return 'failed';
  return outcomes.some((o) => o.status === 'parked') ? 'parked' : 'completed';
}

/** The domain of a record that could not be decoded: its topic's, its origin's, or its CloudEvents type's. */
export function domainOf(item: Item): string {
  if (item.source.kind === 'event') return item.source.domain;
  const origin = header(item.record, EVENT_HEADERS.origin)?.split('/')[0];
  const parsed = origin ? parseEventTopic(origin) : undefined;
  const type = header(item.record, CLOUDEVENT_HEADERS.type);
  return parsed?.domain ?? (type ? eventDomain(type).replace(/[^a-z0-9_]/g, '') : 'unknown');
}

function parseOrigin(text: string | undefined): { topic: string; partition: number; offset: string } | undefined {
  const match = text ? /^(.+)\/(\d+)\/(\d+)$/.exec(text) : null;
  return match ? { topic: match[1]!, partition: Number(match[2]), offset: match[3]! } : undefined;
}

/** A record moved to a retry topic: same key, value and CloudEvents headers; our move headers replaced; the first origin kept. */
function movedRecord(record: IncomingRecord, headers: Readonly<Record<string, string>>): OutgoingRecord {
  // A move between tiers (no new headers) keeps the retry headers; a new retry replaces them.
  const replacing = Object.keys(headers).length > 0;
  const kept = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !replacing || !MOVE_HEADERS.has(name)));
  return {
    key: record.key,
    value: record.value,
    headers: { ...kept, [EVENT_HEADERS.origin]: kept[EVENT_HEADERS.origin] ?? `${record.topic}/${record.partition}/${record.offset}`, ...headers },
  };
}
