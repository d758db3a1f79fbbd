import { describe, expect, it } from 'vitest';
import { SubscriptionNameSchema } from '@switchyard/events';
import { webhookSubscriptionName } from './subscription-name.js';

describe('webhookSubscriptionName', () => {
  it('webhook-<id> when the id fits a subscription name; otherwise cleaned plus a hash of the exact id', () => {
    expect(webhookSubscriptionName('orders')).toBe('webhook-orders');
    expect(webhookSubscriptionName('ep_0f2c9a1e-1111-4222-8333-944444444444')).toBe('webhook-ep_0f2c9a1e-1111-4222-8333-944444444444');
    const upper = webhookSubscriptionName('Orders.v2');
    expect(upper).toMatch(/^webhook-orders_v2-[0-9a-f]{8}$/);
    expect(webhookSubscriptionName('orders_v2')).not.toBe(upper);
    expect(webhookSubscriptionName('ORDERS.V2')).not.toBe(upper);
  });

  it('every valid endpoint id (up to 128 characters) gives a valid subscription name', () => {
    for (const id of ['a', 'A', '9', '.', '_x', 'x'.repeat(128), 'Z.'.repeat(64), '-'.repeat(128)]) {
      expect(SubscriptionNameSchema.safeParse(webhookSubscriptionName(id)).success).toBe(true);
    }
  });
});
