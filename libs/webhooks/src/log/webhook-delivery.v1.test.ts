import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryLogRecord, decodeDeliveryLogRecord, encodeDeliveryLogRecord, matchesDeliveryQuery, WEBHOOK_DELIVERY_V1 } from './webhook-delivery.v1.js';

const fixture = readFileSync(new URL('./webhook-delivery.v1.fixture.json', import.meta.url));

describe('webhook-delivery.v1', () => {
  it('decodes the captured fixture (old records stay readable)', () => {
    expect(decodeDeliveryLogRecord({ value: fixture })).toMatchObject({ format: WEBHOOK_DELIVERY_V1, endpointId: 'orders', eventId: 'evt-0001', attempt: 2, statusCode: 429, latencyMs: 12.345, error: { code: 'SY_WEBHOOK_THROTTLED' }, next: 'retry', nextDelayMs: 7000 });
  });

  it('an attempt and its next step round-trip through a record keyed by endpoint', () => {
    const record = deliveryLogRecord(
      'orders',
      'evt-9',
      { messageId: 'msg_evt-9', attempt: 1, startedAt: '2026-12-06T13:31:00.000Z', latencyMs: 3.5, outcome: 'failed', statusCode: 500, responseSnippet: 'boom', error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', message: 'The endpoint answered 500.', retriable: true } },
      { action: 'retry', delayMs: 812, reason: 'backoff' },
    );
    const encoded = encodeDeliveryLogRecord(record);
    expect(encoded.key).toBe('orders');
    expect(decodeDeliveryLogRecord({ value: Buffer.from(encoded.value as string) })).toEqual(record);
    expect(record).toMatchObject({ next: 'retry', nextDelayMs: 812 });
  });

  it('unreadable values decode to undefined', () => {
    expect(decodeDeliveryLogRecord({ value: null })).toBeUndefined();
    expect(decodeDeliveryLogRecord({ value: Buffer.from('{') })).toBeUndefined();
    expect(decodeDeliveryLogRecord({ value: Buffer.from(JSON.stringify({ ...JSON.parse(fixture.toString()), error: { code: 'SY_NOPE', message: 'x', retriable: true } })) })).toBeUndefined();
  });

  it('queries by endpoint, by event, or both', () => {
    const r = decodeDeliveryLogRecord({ value: fixture })!;
    expect([{}, { endpointId: 'orders' }, { eventId: 'evt-0001' }, { endpointId: 'orders', eventId: 'evt-0001' }, { endpointId: 'users' }, { eventId: 'evt-2' }].map((q) => matchesDeliveryQuery(r, q))).toEqual([true, true, true, true, false, false]);
  });
});
