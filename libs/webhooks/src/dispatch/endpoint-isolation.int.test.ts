import { describe, expect, it, vi } from 'vitest';
import { queryDeliveryLog } from './delivery-log.js';
import { receiver, setupDispatch, type Answer } from './dispatcher.test-support.js';

const WAIT = { timeout: 45_000, interval: 100 };

describe('per-endpoint isolation (real broker, receivers on 127.0.0.1)', () => {
  it('a hanging endpoint beside a healthy one: the healthy one gets every event at its first attempt; the dead one holds only its own concurrency', async () => {
    const t = await setupDispatch();
    const dead = await receiver(() => 'hang');
    const healthy = await receiver();
    const deadId = t.endpointId('dead');
    const healthyId = t.endpointId('ok');
    const pattern = t.name('order.*');
    // The dead endpoint's attempts never end within the test (timeoutMs 120 s): at most `concurrency` (2) are in flight.
    await t.registry.create({ id: deadId, eventPattern: pattern, url: dead.url, timeoutMs: 120_000, concurrency: 2 });
    await t.registry.create({ id: healthyId, eventPattern: pattern, url: healthy.url, concurrency: 4 });
    const d = t.dispatcher({ shutdownTimeoutMs: 500 });
    await d.start();
    const bus = t.bus();
    await bus.start();
    const N = 300;
    const receipts = await bus.publishMany(Array.from({ length: N }, (_, n) => t.event(t.name('order.created'), { n })));
    await vi.waitFor(() => expect(new Set(healthy.received.map((r) => r.headers['webhook-id'])).size).toBe(N), WAIT);
    expect(healthy.received).toHaveLength(N);
    await vi.waitFor(async () => expect(await queryDeliveryLog(t.client, { endpointId: healthyId }, t.deliveriesTopic)).toHaveLength(N), WAIT);
    const log = await queryDeliveryLog(t.client, { endpointId: healthyId }, t.deliveriesTopic);
    expect(log.every((x) => x.attempt === 1 && x.outcome === 'succeeded')).toBe(true);
    expect(new Set(log.map((x) => x.eventId))).toEqual(new Set(receipts.map((x) => x.id)));
    // The dead endpoint: exactly its concurrency in flight, none finished (so none logged).
    await vi.waitFor(() => expect(dead.received).toHaveLength(2), WAIT);
    expect(await queryDeliveryLog(t.client, { endpointId: deadId }, t.deliveriesTopic)).toEqual([]);
    // Stopping cancels the hanging attempts after shutdownTimeoutMs instead of waiting out their 120 s timeoutMs
    // (regression: close() waited for them; the test's own timeout is below 120 s).
    await d.close();
    const cancelled = await queryDeliveryLog(t.client, { endpointId: deadId }, t.deliveriesTopic);
    expect(cancelled.map((x) => [x.outcome, x.error?.message])).toEqual(Array(2).fill(['failed', 'The attempt was cancelled (the dispatcher is stopping).']));
  });

  it('the circuit breaker: after failureThreshold failures no attempt for cooldownMs; a probe that succeeds closes it and the event is delivered', async () => {
    const t = await setupDispatch();
    let answer: Answer = { status: 500 };
    const r = await receiver(() => answer);
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, concurrency: 1, retryPolicy: { maxRetries: 20, backoffStrategy: 'fixed', initialDelayMs: 10, maxDelayMs: 10 } });
    const cooldownMs = 700;
    const d = t.dispatcher({ breaker: { failureThreshold: 3, cooldownMs } });
    await d.start();
    const bus = t.bus();
    await bus.start();
    const [receipt] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(() => expect(r.received.length).toBeGreaterThanOrEqual(5), WAIT);
    // Attempts 1-3 trip the breaker; attempt 4 is the half-open probe (fails, reopens), attempt 5 the next probe.
    for (const n of [3, 4]) expect(r.received[n]!.at - r.received[n - 1]!.at).toBeGreaterThanOrEqual(cooldownMs);
    const metric = await d.metrics.registry.getSingleMetricAsString('switchyard_webhook_breaker_state');
    expect(metric).toMatch(new RegExp(`endpoint="${id}",state="(open|half-open)"} 1`));
    answer = { status: 204 };
    await vi.waitFor(async () => expect((await queryDeliveryLog(t.client, { eventId: receipt!.id }, t.deliveriesTopic)).at(-1)).toMatchObject({ outcome: 'succeeded' }), WAIT);
    expect(await d.metrics.registry.getSingleMetricAsString('switchyard_webhook_breaker_state')).toContain(`endpoint="${id}",state="closed"} 1`);
  });

  it('429 with Retry-After: the next attempt waits at least that long (longer than the backoff), then delivers', async () => {
    const t = await setupDispatch();
    const r = await receiver((_req, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 204 }));
    const id = t.endpointId();
    await t.registry.create({ id, eventPattern: t.name('order.created'), url: r.url, retryPolicy: { maxRetries: 3, backoffStrategy: 'fixed', initialDelayMs: 10, maxDelayMs: 10 } });
    await t.dispatcher().start();
    const bus = t.bus();
    await bus.start();
    const [receipt] = await bus.publishMany([t.event(t.name('order.created'), { n: 1 })]);
    await vi.waitFor(() => expect(r.received).toHaveLength(2), WAIT);
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(2_000);
    await vi.waitFor(async () => expect((await queryDeliveryLog(t.client, { eventId: receipt!.id }, t.deliveriesTopic)).map((x) => [x.attempt, x.outcome, x.statusCode, x.next, x.nextDelayMs])).toEqual([
      [1, 'throttled', 429, 'retry', 2_000],
      [2, 'succeeded', 204, 'done', undefined],
    ]), WAIT);
  });
});
