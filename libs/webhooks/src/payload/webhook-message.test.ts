import { describe, expect, it } from 'vitest';
import { EventSchema } from '@switchyard/protocol';
import { webhookMessage } from './webhook-message.js';

const event = EventSchema.parse({ id: 'evt-1', name: 'order.paid', payload: { orderId: 'o-1', total: 42 }, metadata: { source: 'shop', timestamp: '2026-12-06T13:00:00.000Z', tenantId: 't1' } });

describe('webhookMessage', () => {
  it('without a transform: the Standard Webhooks shape, id msg_<event id>', () => {
    const message = webhookMessage(event);
    expect(message.messageId).toBe('msg_evt-1');
    expect(JSON.parse(message.body)).toEqual({ id: 'evt-1', type: 'order.paid', timestamp: '2026-12-06T13:00:00.000Z', data: { orderId: 'o-1', total: 42 }, metadata: event.metadata });
  });

  it('with a transform: the JSON of what it returns', () => {
    expect(webhookMessage(event, (e) => ({ text: `${e.name} ${(e.payload as { total: number }).total}` })).body).toBe('{"text":"order.paid 42"}');
  });

  it('a transform that throws or returns nothing is unrecoverable (no retries)', () => {
    expect(() => webhookMessage(event, () => { throw new Error('bug'); })).toThrow(expect.objectContaining({ code: 'SY_UNRECOVERABLE', retriable: false, message: expect.stringContaining('bug') }));
    expect(() => webhookMessage(event, () => undefined)).toThrow(expect.objectContaining({ code: 'SY_UNRECOVERABLE' }));
    expect(() => webhookMessage(event, () => ({ n: 1n }))).toThrow(expect.objectContaining({ code: 'SY_UNRECOVERABLE' }));
  });

  it('an event without id is SY_INVALID_EVENT naming event.id', () => {
    expect(() => webhookMessage({ ...event, id: undefined })).toThrow(expect.objectContaining({ code: 'SY_INVALID_EVENT', message: expect.stringMatching(/^event\.id: /) }));
  });
});
