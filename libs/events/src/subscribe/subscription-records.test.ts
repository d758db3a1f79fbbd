import { DLQ_HEADERS, EVENT_HEADERS, RETRY_TIERS, decodeDeadLetter, eventDlqTopic, subscriptionRetryTopic, type IncomingRecord, type OutgoingRecord } from '@switchyard/kafka';
import type { PartitionOffsetTracker } from '@switchyard/pipeline';
import { describe, expect, it } from 'vitest';
import type { CompiledHandler } from './event-handler.js';
import type { HandlerOutcome } from './handler-execution.js';
import type { Item, Source } from './subscription-item.js';
import { SubscriptionRecords, domainOf, eventOutcome } from './subscription-records.js';

const TIER = RETRY_TIERS[1]!;
const handler = { id: 'mailer' } as CompiledHandler;
const text = (record: OutgoingRecord, name: string) => record.headers?.[name]?.toString();

function item(source: Source, headers: Record<string, string> = {}, topic = 'events.user'): Item {
  const record: IncomingRecord = {
    topic,
    partition: 2,
    offset: '41',
    key: Buffer.from('acme'),
    value: Buffer.from('{}'),
    headers: Object.fromEntries(Object.entries({ ce_type: 'user.created', ce_id: 'e1', ...headers }).map(([k, v]) => [k, Buffer.from(v)])),
    timestamp: '0',
  };
  return { record, lane: 'normal', source, tracker: {} as PartitionOffsetTracker };
}

const outcome = (o: Partial<HandlerOutcome>): HandlerOutcome => ({ handler, status: 'success', attempt: 1, durationMs: 1, ...o });

describe('SubscriptionRecords', () => {
  const records = new SubscriptionRecords('billing');

  it('moves a retried handler into its tier with handler, attempt, due time, first failure and the first origin', () => {
    const [moved] = records.ofOutcomes(item({ kind: 'event', domain: 'user' }), 'user', [outcome({ status: 'failed', attempt: 1, retry: { notBefore: Date.parse('2026-01-01T00:00:05Z'), tier: TIER } })], Date.parse('2026-01-01T00:00:00Z'));
    expect(moved!.topic).toBe(subscriptionRetryTopic('billing', TIER));
    expect(text(moved!.record, EVENT_HEADERS.handler)).toBe('mailer');
    expect(text(moved!.record, EVENT_HEADERS.attempt)).toBe('1');
    expect(text(moved!.record, EVENT_HEADERS.notBefore)).toBe('2026-01-01T00:00:05.000Z');
    expect(text(moved!.record, EVENT_HEADERS.firstFailureAt)).toBe('2026-01-01T00:00:00.000Z');
    expect(text(moved!.record, EVENT_HEADERS.origin)).toBe('events.user/2/41');
    expect(text(moved!.record, 'ce_id')).toBe('e1');
  });

  it('replaces the move headers of an earlier retry, keeps its first failure time and its first origin', () => {
    const earlier = { [EVENT_HEADERS.handler]: 'old', [EVENT_HEADERS.parkedBehind]: 'e0', [EVENT_HEADERS.firstFailureAt]: '2025-12-31T00:00:00.000Z', [EVENT_HEADERS.origin]: 'events.user/0/7' };
    const [moved] = records.ofOutcomes(item({ kind: 'retry', tier: TIER }, earlier, subscriptionRetryTopic('billing', TIER)), 'user', [outcome({ status: 'timeout', attempt: 2, retry: { notBefore: 0, tier: TIER } })], 0);
    expect(text(moved!.record, EVENT_HEADERS.handler)).toBe('mailer');
    expect(text(moved!.record, EVENT_HEADERS.parkedBehind)).toBeUndefined();
    expect(text(moved!.record, EVENT_HEADERS.firstFailureAt)).toBe('2025-12-31T00:00:00.000Z');
    expect(text(moved!.record, EVENT_HEADERS.origin)).toBe('events.user/0/7');
  });

  it('parks a blocked handler behind its key head, without a first failure of its own', () => {
    const [parked] = records.ofOutcomes(item({ kind: 'event', domain: 'user' }), 'user', [outcome({ status: 'parked', attempt: 0, parked: { notBefore: 0, tier: TIER, behind: 'e0' } })], 0);
    expect(text(parked!.record, EVENT_HEADERS.parkedBehind)).toBe('e0');
    expect(text(parked!.record, EVENT_HEADERS.firstFailureAt)).toBeUndefined();
  });

  it('dead-letters a handler that gave up to the domain DLQ of the subscription, naming the handler and the first origin', () => {
    const source = item({ kind: 'retry', tier: TIER }, { [EVENT_HEADERS.origin]: 'events.user/0/7' }, subscriptionRetryTopic('billing', TIER));
    const [dead] = records.ofOutcomes(source, 'user', [outcome({ status: 'failed', attempt: 3, dead: true, error: { message: 'no', code: 'SY_EVENT_HANDLER_FAILED' } })], 0);
    expect(dead!.topic).toBe(eventDlqTopic('user', 'billing'));
    const info = decodeDeadLetter({ ...source.record, headers: Object.fromEntries(Object.entries(dead!.record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])) });
    expect(info).toMatchObject({ code: 'SY_EVENT_HANDLER_FAILED', attempts: 3, failedHandler: 'mailer', origin: { topic: 'events.user', partition: 0, offset: '7' } });
    expect(text(dead!.record, DLQ_HEADERS.code)).toBe('SY_EVENT_HANDLER_FAILED');
  });

  it('moves a not-yet-due retry to a later tier with its retry headers unchanged', () => {
    const headers = { [EVENT_HEADERS.handler]: 'mailer', [EVENT_HEADERS.attempt]: '2' };
    const moved = records.tierMove(item({ kind: 'retry', tier: TIER }, headers, subscriptionRetryTopic('billing', TIER)).record, RETRY_TIERS[3]!);
    expect(moved.topic).toBe(subscriptionRetryTopic('billing', RETRY_TIERS[3]!));
    expect(text(moved.record, EVENT_HEADERS.handler)).toBe('mailer');
    expect(text(moved.record, EVENT_HEADERS.attempt)).toBe('2');
  });
});

describe('eventOutcome', () => {
  it('is dead over failed over parked over completed', () => {
    expect(eventOutcome([outcome({}), outcome({ status: 'failed', dead: true }), outcome({ status: 'failed' })])).toBe('dead');
    expect(eventOutcome([outcome({ status: 'parked' }), outcome({ status: 'timeout' })])).toBe('failed');
    expect(eventOutcome([outcome({}), outcome({ status: 'parked' })])).toBe('parked');
    expect(eventOutcome([outcome({}), outcome({})])).toBe('completed');
  });
});

describe('domainOf', () => {
  it('takes an event topic domain, else the origin topic domain, else the CloudEvents type domain', () => {
    expect(domainOf(item({ kind: 'event', domain: 'user' }))).toBe('user');
    expect(domainOf(item({ kind: 'replay' }, { [EVENT_HEADERS.origin]: 'events.order/1/3' }, 'x'))).toBe('order');
    expect(domainOf(item({ kind: 'replay' }, {}, 'x'))).toBe('user');
  });
});
