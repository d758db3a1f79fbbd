import { describe, expect, it } from 'vitest';
import { encodeDeadLetter, type IncomingRecord } from '@switchyard/kafka';
import { asIncoming, deadEventRecord } from '@switchyard/testing';
import { byDeathTime, entryJson, matchesFilter, toDlqEntry } from './dlq-entry.js';
import { redriveLane, redriveRecord } from './redrive-plan.js';

function deadLetter(headers: Record<string, string>, deadAt: string, code = 'SY_UNRECOVERABLE', origin = 'tasks.q.high'): IncomingRecord {
  const source: IncomingRecord = {
    topic: origin,
    partition: 1,
    offset: '7',
    key: Buffer.from('acme'),
    value: Buffer.from('{"n":1}'),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    timestamp: String(Date.parse(deadAt)),
  };
  const out = encodeDeadLetter(source, {
    code,
    error: { message: 'boom', code },
    origin: { topic: origin, partition: 1, offset: '7' },
    attempts: 2,
    firstFailedAt: deadAt,
    lastFailedAt: deadAt,
    deadAt,
    failedHandler: headers['sy-task-type'] ?? '',
  });
  const asBuffers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]));
  return { ...source, topic: 'tasks.q.dlq', partition: 0, offset: '3', headers: asBuffers };
}

const task = { 'sy-task-id': 't1', 'sy-task-type': 'send_email', 'sy-tenant': 'acme', 'sy-priority': 'high', 'sy-attempt': '2', 'sy-first-failure-at': '2024-05-01T00:00:00Z', 'sy-last-failure-at': '2024-05-01T00:00:01Z' };

describe('matchesFilter', () => {
  const entry = toDlqEntry(deadLetter(task, '2024-05-01T10:00:00.000Z'));

  it('matches when every given field matches', () => {
    expect(matchesFilter(entry, {})).toBe(true);
    expect(matchesFilter(entry, { code: 'SY_UNRECOVERABLE', type: 'send_email', tenant: 'acme' })).toBe(true);
  });

  it('takes * in the type as a glob', () => {
    expect(matchesFilter(entry, { type: 'send_*' })).toBe(true);
    expect(matchesFilter(entry, { type: 'send' })).toBe(false);
  });

  it.each([{ code: 'SY_TASK_FAILED' }, { type: 'other' }, { tenant: 'globex' }, { handler: 'other' }])('refuses %j', (filter) => {
    expect(matchesFilter(entry, filter)).toBe(false);
  });

  it('keeps only the listed ids', () => {
    expect(matchesFilter(entry, { ids: ['t0', 't1'] })).toBe(true);
    expect(matchesFilter(entry, { ids: ['t2'] })).toBe(false);
    expect(matchesFilter(entry, { ids: [] })).toBe(false);
  });

  it('keeps only the listed coordinates (topic optional)', () => {
    const { topic, partition, offset } = entry.record;
    expect(matchesFilter(entry, { coordinates: [{ partition, offset }] })).toBe(true);
    expect(matchesFilter(entry, { coordinates: [{ partition: partition + 1, offset }, { topic, partition, offset }] })).toBe(true);
    expect(matchesFilter(entry, { coordinates: [{ topic: `${topic}.other`, partition, offset }] })).toBe(false);
    expect(matchesFilter(entry, { coordinates: [{ partition, offset: `${offset}1` }] })).toBe(false);
  });

  it('takes since as inclusive and until as exclusive, on the death time', () => {
    const at = Date.parse('2024-05-01T10:00:00Z');
    expect(matchesFilter(entry, { since: at, until: at + 1 })).toBe(true);
    expect(matchesFilter(entry, { since: at + 1 })).toBe(false);
    expect(matchesFilter(entry, { until: at })).toBe(false);
  });
});

describe('a subscription entry', () => {
  const record = deadEventRecord({ id: 'e1', name: 'user.created', tenant: 'acme', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED', deadAt: '2024-05-01T10:00:00.000Z' }, 7);
  const entry = toDlqEntry(asIncoming(record, 'events.user.dlq.mailer', 0, 3), 'dead', 'subscription');

  it('takes id, type and tenant from the CloudEvents headers', () => {
    expect(entry).toMatchObject({ kind: 'subscription', id: 'e1', type: 'user.created', tenant: 'acme', deadAtMs: Date.parse('2024-05-01T10:00:00Z') });
  });

  it('matches event type patterns, tenant, handler and code', () => {
    expect(matchesFilter(entry, { type: 'user.*', tenant: 'acme', handler: 'h_mail', code: 'SY_EVENT_HANDLER_FAILED' })).toBe(true);
    expect(matchesFilter(entry, { type: '*.created' })).toBe(true);
    expect(matchesFilter(entry, { type: 'user.created' })).toBe(true);
    expect(matchesFilter(entry, { type: 'order.*' })).toBe(false);
    expect(matchesFilter(entry, { type: 'user' })).toBe(false);
    expect(matchesFilter(entry, { handler: 'h_audit' })).toBe(false);
  });

  it("has the DeadLetterQueueEntry fields with the event's type, domain and metadata", () => {
    expect(entryJson(entry)).toMatchObject({
      id: 'e1',
      retries: 3,
      failedHandler: 'h_mail',
      code: 'SY_EVENT_HANDLER_FAILED',
      origin: 'events.user/0/7',
      eventType: 'user.created',
      tenant: 'acme',
      domain: 'user',
      event: { id: 'e1', name: 'user.created', metadata: { source: 'cli-test', tenantId: 'acme', priority: 'normal' } },
      state: 'dead',
    });
    expect(entryJson(entry)).not.toHaveProperty('taskType');
  });

  it('sorts entries that died at the same time by DLQ topic, then partition and offset', () => {
    const other = toDlqEntry(asIncoming(record, 'events.order.dlq.mailer', 0, 9), 'dead', 'subscription');
    expect([entry, other].sort(byDeathTime).map((e) => e.record.topic)).toEqual(['events.order.dlq.mailer', 'events.user.dlq.mailer']);
  });
});

describe('entryJson', () => {
  it('has the DeadLetterQueueEntry fields plus where and what', () => {
    const json = entryJson(toDlqEntry(deadLetter(task, '2024-05-01T10:00:00.000Z')));
    expect(json).toMatchObject({ id: 't1', error: { message: 'boom', code: 'SY_UNRECOVERABLE' }, retries: 2, failedHandler: 'send_email', origin: 'tasks.q.high/1/7', partition: 0, offset: '3', taskType: 'send_email', tenant: 'acme', state: 'dead' });
  });
});

describe('redrive', () => {
  it('goes back to the lane of sy-priority with a fresh attempt count and the DLQ as origin', () => {
    const entry = toDlqEntry(deadLetter(task, '2024-05-01T10:00:00.000Z'));
    expect(redriveLane(entry, 'q')).toBe('tasks.q.high');
    const headers = Object.fromEntries(Object.entries(redriveRecord(entry).headers ?? {}).map(([k, v]) => [k, v.toString()]));
    expect(headers).toMatchObject({ 'sy-task-id': 't1', 'sy-attempt': '0', 'sy-origin': 'tasks.q.dlq/0/3' });
    expect(Object.keys(headers).filter((h) => h.startsWith('sy-dlq-') || h.includes('failure-at'))).toEqual([]);
  });

  it('sends an undecodable record back to the lane it came from', () => {
    const entry = toDlqEntry(deadLetter({}, '2024-05-01T10:00:00.000Z', 'SY_UNDECODABLE_MESSAGE', 'tasks.q.low'));
    expect(redriveLane(entry, 'q')).toBe('tasks.q.low');
    expect(redriveRecord(entry).headers?.['sy-attempt']).toBeUndefined();
  });
});
