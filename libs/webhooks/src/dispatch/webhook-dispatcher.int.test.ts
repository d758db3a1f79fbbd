import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { queryDeliveryLog } from './delivery-log.js';
import { receiver, setupDispatch } from './dispatcher.test-support.js';
import { webhookSubscriptionName } from './subscription-name.js';

const WAIT = { timeout: 45_000, interval: 100 };
/** Retries fast enough to stay in memory (below the 1 s tier): 3 attempts per event. */
const FAST_RETRIES = { maxRetries: 2, backoffStrategy: 'fixed' as const, initialDelayMs: 50, maxDelayMs: 50 };

describe('WebhookDispatcher (real broker, receivers on 127.0.0.1)', () => {
  it('delivers each matching event once, signed so the standardwebhooks package verifies it, and logs every attempt', async () => {
    const t = await setupDispatch();
    const r = await receiver();
    const id = t.endpointId();
    const { secret } = await t.registry.create({ id, eventPattern: t.name('order.*'), url: r.url, headers: { 'x-team': 'billing' } });
    await t.dispatcher().start();
    const bus = t.bus();
    await bus.start();
    const receipts = await bus.publishMany([...Array.from({ length: 5 }, (_, n) => t.event(t.name('order.created'), { n })), t.event(t.name('user.created'), { n: 99 })]);
    await vi.waitFor(() => expect(r.received).toHaveLength(5), WAIT);
    const wh = new Webhook(secret);
    const bodies = r.received.map((req) => wh.verify(req.body, req.headers as Record<string, string>) as { id: string; type: string; data: { n: number } });
    expect(bodies.map((b) => b.data.n).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(bodies.every((b) => b.type === t.name('order.created'))).toBe(true);
    expect(r.received.map((req) => req.headers['webhook-id']).sort()).toEqual(receipts.slice(0, 5).map((x) => `msg_${x.id}`).sort());
    expect(r.received[0]!.headers['x-team']).toBe('billing');

    await vi.waitFor(async () => expect(await queryDeliveryLog(t.client, { endpointId: id }, t.deliveriesTopic)).toHaveLength(5), WAIT);
    const one = await queryDeliveryLog(t.client, { endpointId: id, eventId: receipts[2]!.id }, t.deliveriesTopic);
    expect(one).toEqual([expect.objectContaining({ endpointId: id, eventId: receipts[2]!.id, attempt: 1, outcome: 'succeeded', statusCode: 204, next: 'done', address: '127.0.0.1' })]);
  });

  it('a failing receiver: each event attempted maxRetries + 1 times with one webhook-id, then dead-lettered to the endpoint DLQ with the reason', async () => {
    const t = await setupDispatch();
    const r = await receiver(() => ({ status: 500 }));
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, retryPolicy: FAST_RETRIES });
    const d = t.dispatcher();
    await d.start();
    const bus = t.bus();
    await bus.start();
    const receipts = await bus.publishMany([t.event(t.name('order.created'), { n: 1 }), t.event(t.name('order.created'), { n: 2 })]);
    const sub = webhookSubscriptionName(id);
    await vi.waitFor(async () => expect((await bus.deadLetters(sub)).entries).toHaveLength(2), WAIT);
    const dead = (await bus.deadLetters(sub)).entries;
    expect(dead.map((e) => e.event.id).sort()).toEqual(receipts.map((x) => x.id).sort());
    for (const entry of dead) {
      expect(entry).toMatchObject({ code: 'SY_WEBHOOK_DELIVERY_FAILED', retries: 2, failedHandler: 'deliver', error: { message: expect.stringContaining('answered 500') } });
    }
    // Dead-lettered after the third attempt: exactly 3 requests per event, all with the event's webhook-id.
    expect(r.received).toHaveLength(6);
    for (const receipt of receipts) expect(r.received.filter((req) => req.headers['webhook-id'] === `msg_${receipt.id}`)).toHaveLength(3);
    const log = await queryDeliveryLog(t.client, { endpointId: id, eventId: receipts[0]!.id }, t.deliveriesTopic);
    expect(log.map((x) => [x.attempt, x.outcome, x.statusCode, x.next])).toEqual([
      [1, 'failed', 500, 'retry'],
      [2, 'failed', 500, 'retry'],
      [3, 'failed', 500, 'dead'],
    ]);
    await expect(d.metrics.registry.getSingleMetricAsString('switchyard_webhook_attempts_total')).resolves.toContain(`endpoint="${id}",outcome="failed"} 6`);
  });

  it('410 Gone disables the endpoint in the registry and stops its subscription; enabling it again delivers what was published meanwhile', async () => {
    const t = await setupDispatch();
    const r = await receiver((_req, index) => (index === 0 ? { status: 410 } : { status: 204 }));
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, retryPolicy: FAST_RETRIES });
    const d = t.dispatcher();
    await d.start();
    const bus = t.bus();
    await bus.start();
    const [gone] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(async () => expect(await t.registry.get(id)).toMatchObject({ endpoint: { enabled: false }, disabledReason: expect.stringContaining('410 Gone') }), WAIT);
    await vi.waitFor(() => expect(d.running().has(id)).toBe(false), WAIT);
    const sub = webhookSubscriptionName(id);
    await vi.waitFor(async () => expect((await bus.deadLetters(sub)).entries).toEqual([expect.objectContaining({ code: 'SY_WEBHOOK_ENDPOINT_GONE', retries: 0, event: expect.objectContaining({ id: gone!.id }) })]), WAIT);
    expect(r.received).toHaveLength(1);

    const [later] = await bus.publishMany([t.event(t.name('order.created'), { n: 2 })]);
    await t.registry.enable(id);
    await vi.waitFor(() => expect(r.received.map((req) => req.headers['webhook-id'])).toEqual([`msg_${gone!.id}`, `msg_${later!.id}`]), WAIT);
  });

  it('without the allow-list, a receiver on 127.0.0.1 is refused (no request): dead-lettered at once with SY_WEBHOOK_ADDRESS_REFUSED', async () => {
    const t = await setupDispatch();
    const r = await receiver();
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, retryPolicy: FAST_RETRIES });
    await t.dispatcher({ ssrf: { allow: [] } }).start();
    const bus = t.bus();
    await bus.start();
    const [receipt] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(async () => expect((await bus.deadLetters(webhookSubscriptionName(id))).entries).toEqual([expect.objectContaining({ code: 'SY_WEBHOOK_ADDRESS_REFUSED', retries: 0 })]), WAIT);
    expect(r.received).toHaveLength(0);
    expect(await queryDeliveryLog(t.client, { eventId: receipt!.id }, t.deliveriesTopic)).toEqual([expect.objectContaining({ outcome: 'refused', next: 'dead', error: expect.objectContaining({ code: 'SY_WEBHOOK_ADDRESS_REFUSED' }) })]);
  });

  it('follows the registry without a restart: a rotated secret signs beside the old one at once, a changed pattern restarts the subscription, a removed endpoint stops', async () => {
    const t = await setupDispatch();
    const r = await receiver();
    const id = t.endpointId();
    const { secret: oldSecret } = await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url });
    const d = t.dispatcher();
    await d.start();
    const bus = t.bus();
    await bus.start();
    await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(() => expect(r.received).toHaveLength(1), WAIT);

    const { secret: newSecret } = await t.registry.rotateSecret(id, { graceMs: 3_600_000 });
    await t.registry.update(id, { eventPattern: t.name('user.*') });
    await vi.waitFor(() => expect(d.running().has(id)).toBe(true), WAIT);
    // After the restart the subscription reads user.* (order.* events published now are not for it).
    await vi.waitFor(async () => {
      await bus.publishMany([t.event(t.name('user.created'), { n: 2 })]);
      expect(r.received.length).toBeGreaterThanOrEqual(2);
    }, WAIT);
    const latest = r.received.at(-1)!;
    const body = (wh: Webhook) => wh.verify(latest.body, latest.headers as Record<string, string>) as { type: string };
    expect(body(new Webhook(newSecret)).type).toBe(t.name('user.created'));
    expect(body(new Webhook(oldSecret)).type).toBe(t.name('user.created'));
    expect(String(latest.headers['webhook-signature']).split(' ')).toHaveLength(2);

    await t.registry.delete(id);
    await vi.waitFor(() => expect(d.running().has(id)).toBe(false), WAIT);
  });
});
