import { describe, expect, it } from 'vitest';
import { asIncoming, deadEventRecord } from '@switchyard/testing';
import { toDlqEntry } from './dlq-entry.js';
import { subscriptionRedriveRecord, subscriptionRedriveWrites } from './subscription-redrive-plan.js';

const NOW = '2024-05-02T00:00:00.000Z';
const retryState = { 'sy-event-attempt': '3', 'sy-event-handler': 'h_mail', 'sy-event-not-before': '2024-05-01T00:00:00Z', 'sy-event-first-failure-at': '2024-05-01T00:00:00Z' };

function entry(handler: string | undefined, delivery: Record<string, string> = {}) {
  const record = deadEventRecord({ id: 'e1', name: 'user.created', tenant: 'acme', code: 'SY_EVENT_HANDLER_FAILED', deadAt: '2024-05-01T10:00:00.000Z', delivery, ...(handler ? { handler } : {}) }, 7);
  return toDlqEntry(asIncoming(record, 'events.user.dlq.mailer', 1, 42), 'dead', 'subscription');
}

const text = (headers: Readonly<Record<string, string | Buffer>> | undefined) => Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, v.toString()]));

describe('subscription redrive', () => {
  it('writes the event to the replay topic for the failed handler, without dead-letter or retry headers', () => {
    const [write, ...rest] = subscriptionRedriveWrites(entry('h_mail', { ...retryState, 'sy-replay-id': 'old-replay' }), 'mailer', NOW);
    expect(rest).toEqual([]);
    expect(write!.topic).toBe('switchyard.subscription.mailer.replay');
    const record = write!.records[0]!;
    expect(record.key?.toString()).toBe('acme');
    expect(JSON.parse(record.value!.toString())).toEqual({ eventId: 'e1' });
    const headers = text(record.headers);
    expect(headers).toMatchObject({
      ce_id: 'e1',
      ce_type: 'user.created',
      ce_tenantid: 'acme',
      ce_specversion: '1.0',
      'content-type': 'application/json',
      'sy-event-target-handlers': 'h_mail',
      'sy-replay-origin': 'events.user.dlq.mailer/1/42',
      'sy-replayed-at': NOW,
    });
    expect(Object.keys(headers).filter((h) => h.startsWith('sy-dlq-') || h in retryState || h === 'sy-replay-id')).toEqual([]);
  });

  it('targets every matching handler when the dead letter names none', () => {
    const headers = text(subscriptionRedriveRecord(entry(undefined, { 'sy-event-target-handlers': 'h_old' }), NOW).headers);
    expect(headers).not.toHaveProperty('sy-event-target-handlers');
  });
});
