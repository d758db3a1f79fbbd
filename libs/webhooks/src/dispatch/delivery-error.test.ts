import { describe, expect, it } from 'vitest';
import { deliveryError } from './delivery-error.js';

const base = { messageId: 'msg_e1', attempt: 2, startedAt: '2026-12-06T16:00:00.000Z', latencyMs: 12.5 };

describe('deliveryError', () => {
  it('keeps the attempt code and retriable flag, names the endpoint and carries status and snippet', () => {
    const error = deliveryError('orders', { ...base, outcome: 'failed', statusCode: 500, responseSnippet: 'boom', error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', message: 'The endpoint answered 500.', retriable: true } });
    expect(error).toMatchObject({ code: 'SY_WEBHOOK_DELIVERY_FAILED', retriable: true, message: 'Webhook orders: The endpoint answered 500.', details: { endpointId: 'orders', statusCode: 500, responseSnippet: 'boom', attempt: 2 } });
    expect(Object.hasOwn(error, 'retryAfterMs')).toBe(false);
  });

  it('410 and refusals are not retriable (straight to the DLQ); 429 with Retry-After carries an own retryAfterMs', () => {
    expect(deliveryError('o', { ...base, outcome: 'gone', statusCode: 410, error: { code: 'SY_WEBHOOK_ENDPOINT_GONE', message: 'gone', retriable: false } }).retriable).toBe(false);
    expect(deliveryError('o', { ...base, outcome: 'refused', error: { code: 'SY_WEBHOOK_ADDRESS_REFUSED', message: 'loopback', retriable: false } }).retriable).toBe(false);
    const throttled = deliveryError('o', { ...base, outcome: 'throttled', statusCode: 429, retryAfterMs: 2_000, error: { code: 'SY_WEBHOOK_THROTTLED', message: '429', retriable: true } });
    expect(Object.getOwnPropertyDescriptor(throttled, 'retryAfterMs')?.value).toBe(2_000);
    expect(throttled.retriable).toBe(true);
  });
});
