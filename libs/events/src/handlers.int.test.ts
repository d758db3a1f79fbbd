import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, DLQ_HEADERS, eventDlqTopic, EVENT_HEADERS, subscriptionRetryTopic, CLOUDEVENT_HEADERS, eventLaneTopic, type IncomingRecord } from '@switchyard/kafka';
import { UnrecoverableError } from '@switchyard/protocol';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

const n = (event: BusEvent) => (event.payload as { n: number }).n;
const h = (record: IncomingRecord, name: string) => record.headers[name]?.toString();

describe('handlers', () => {
  it('run in priority order: blocking handlers alone, adjacent background handlers together', async () => {
    const t = await setupEvents(1);
    const log: string[] = [];
    const bus = t.bus();
    const step = (id: string, ms: number) => async () => {
      log.push(`${id}:start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${id}:end`);
    };
    const sub = t.sub();
    bus.subscribe(
      [
        { id: 'late', eventName: t.name('*'), priority: 9, async: false, handler: step('late', 1) },
        { id: 'bg1', eventName: t.name('*'), priority: 5, async: true, handler: step('bg1', 40) },
        { id: 'first', eventName: t.name('*'), priority: -1, async: false, handler: step('first', 20) },
        { id: 'bg2', eventName: t.name('*'), priority: 5, async: true, handler: step('bg2', 1) },
      ],
      sub,
    );
    await bus.start();
    await bus.publish(t.event(t.name('thing.happened'), { n: 1 }));
    await vi.waitFor(() => expect(log).toHaveLength(8), { timeout: 20_000, interval: 50 });
    expect(log.slice(0, 2)).toEqual(['first:start', 'first:end']);
    expect(new Set(log.slice(2, 4))).toEqual(new Set(['bg1:start', 'bg2:start']));
    expect(log.slice(-2)).toEqual(['late:start', 'late:end']);
    expect(log.indexOf('late:start')).toBeGreaterThan(log.indexOf('bg1:end'));
  });

  it('retries a failing handler on its own, dead-letters its events after maxRetries while other events and handlers flow', async () => {
    const t = await setupEvents();
    const sub = t.sub();
    const attempts = new Map<number, number>();
    const good: number[] = [];
    const bus = t.bus();
    bus.subscribe(
      [
        {
          id: 'picky',
          eventName: t.name('order.*'),
          retry: { maxRetries: 2, backoffMs: 50, backoffMultiplier: 2 },
          handler: async (event) => {
            attempts.set(n(event), (attempts.get(n(event)) ?? 0) + 1);
            if (n(event) % 5 === 0) throw new Error(`order ${n(event)} is cursed`);
          },
        },
        { id: 'audit', eventName: t.name('order.*'), handler: async (event) => void good.push(n(event)) },
      ],
      sub,
    );
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await bus.publishMany(Array.from({ length: 40 }, (_, i) => t.event(t.name('order.placed'), { n: i }, { tenantId: `t${i % 3}` })));
    await vi.waitFor(() => {
      expect(good).toHaveLength(40);
      expect(dlq.records).toHaveLength(8);
    }, { timeout: 30_000, interval: 100 });
    expect(new Set(good).size).toBe(40);
    for (let i = 0; i < 40; i++) expect(attempts.get(i)).toBe(i % 5 === 0 ? 3 : 1);
    const dead = dlq.records.map((r) => ({ info: decodeDeadLetter(r)!, payload: JSON.parse(r.value!.toString()) as { n: number }, type: h(r, CLOUDEVENT_HEADERS.type) }));
    expect(dead.map((d) => d.payload.n).sort((a, b) => a - b)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    for (const d of dead) {
      expect(d.info).toMatchObject({ failedHandler: 'picky', attempts: 3, code: 'SY_EVENT_HANDLER_FAILED', error: { message: expect.stringContaining('is cursed') } });
      expect(d.info.origin.topic).toBe(eventLaneTopic(t.name('order.placed'), 'normal'));
      expect(d.type).toBe(t.name('order.placed'));
    }
    expect(bus.subscription(sub)!.counts.dead).toBe(8);
    // The same dead letters as the protocol's DeadLetterQueueEntry.
    const { entries, unreadable } = await bus.deadLetters(sub);
    expect(unreadable).toEqual([]);
    expect(entries.map((e) => (e.event.payload as { n: number }).n).sort((a, b) => a - b)).toEqual([0, 5, 10, 15, 20, 25, 30, 35]);
    for (const e of entries) {
      expect(e).toMatchObject({ failedHandler: 'picky', retries: 2, code: 'SY_EVENT_HANDLER_FAILED', event: { name: t.name('order.placed'), metadata: { source: 'test' } }, error: { message: expect.stringContaining('is cursed') } });
      expect(Date.parse(e.lastFailedAt)).toBeGreaterThanOrEqual(Date.parse(e.firstFailedAt));
    }
  });

  it('sends backoffs of a second or more through the retry topics, then runs only the failed handler again', async () => {
    const t = await setupEvents();
    const sub = t.sub();
    const calls: { id: string; attempt: number }[] = [];
    const bus = t.bus();
    bus.subscribe(
      [
        {
          id: 'flaky',
          eventName: t.name('mail.*'),
          retry: { maxRetries: 3, backoffMs: 1000, backoffMultiplier: 1 },
          handler: async (_e, ctx) => {
            calls.push({ id: 'flaky', attempt: ctx.attempt });
            if (ctx.attempt < 3) throw new Error('smtp down');
          },
        },
        { id: 'steady', eventName: t.name('mail.*'), handler: async (_e, ctx) => void calls.push({ id: 'steady', attempt: ctx.attempt }) },
      ],
      sub,
    );
    await bus.start();
    const retries = await collectTopics(t.client, [subscriptionRetryTopic(sub, '1s')]);
    await bus.publish(t.event(t.name('mail.sent'), { n: 1 }));
    await vi.waitFor(() => expect(calls.filter((c) => c.id === 'flaky').map((c) => c.attempt)).toEqual([1, 2, 3]), { timeout: 30_000, interval: 100 });
    expect(calls.filter((c) => c.id === 'steady')).toEqual([{ id: 'steady', attempt: 1 }]);
    await vi.waitFor(() => expect(retries.records).toHaveLength(2), { timeout: 10_000, interval: 100 });
    expect(retries.records.map((r) => [h(r, EVENT_HEADERS.handler), h(r, EVENT_HEADERS.attempt)])).toEqual([['flaky', '1'], ['flaky', '2']]);
    expect(retries.records.every((r) => h(r, EVENT_HEADERS.origin)?.startsWith(eventLaneTopic(t.name('mail.sent'), 'normal')))).toBe(true);
  });

  it('times out a slow handler, skips retries for UnrecoverableError, and logs every execution', async () => {
    const t = await setupEvents();
    const sub = t.sub();
    const bus = t.bus();
    bus.subscribe(
      [
        { id: 'slow', eventName: t.name('job.*'), timeoutMs: 100, retry: { maxRetries: 1, backoffMs: 10, backoffMultiplier: 1 }, filter: (e) => n(e) === 1, handler: () => new Promise((r) => setTimeout(r, 2_000)) },
        { id: 'fatal', eventName: t.name('job.*'), filter: (e) => n(e) === 2, handler: () => Promise.reject(new UnrecoverableError('bad data')) },
        { id: 'fine', eventName: t.name('job.*'), handler: async () => undefined },
      ],
      sub,
    );
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    const [, slowReceipt, fatalReceipt] = await bus.publishMany([0, 1, 2].map((i) => t.event(t.name('job.run'), { n: i }, { correlationId: `corr-${t.domain}` })));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(2), { timeout: 30_000, interval: 100 });
    const byHandler = Object.fromEntries(dlq.records.map((r) => [h(r, DLQ_HEADERS.failedHandler), decodeDeadLetter(r)!]));
    expect(byHandler.slow).toMatchObject({ code: 'SY_EVENT_HANDLER_TIMEOUT', attempts: 2 });
    expect(byHandler.fatal).toMatchObject({ code: 'SY_UNRECOVERABLE', attempts: 1 });

    const entries = await bus.findEventLog({ eventId: slowReceipt!.id, subscription: sub });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subscription: sub, status: 'failed', event: { id: slowReceipt!.id, name: t.name('job.run'), payload: null } });
    expect(entries[0]!.handlersExecuted).toEqual(expect.arrayContaining([expect.objectContaining({ handlerId: 'slow', status: 'timeout' }), expect.objectContaining({ handlerId: 'fine', status: 'success' })]));
    const chain = await bus.findEventLog({ correlationId: `corr-${t.domain}` });
    expect(chain.map((e) => e.event.id).sort()).toEqual([...new Set(chain.map((e) => e.event.id))].sort());
    expect(chain).toHaveLength(3);
    expect(chain.find((e) => e.event.id === fatalReceipt!.id)!.handlersExecuted).toEqual(expect.arrayContaining([expect.objectContaining({ handlerId: 'fatal', status: 'failed', error: 'bad data' })]));
  });
});

describe('key-ordered retries', () => {
  /**
   * Tenant a's first event fails at least once, and keeps failing until `until` has been handled:
   * if that event were held behind a0's retries, the run would never finish.
   */
  const scenario = async (orderedRetries: boolean, until: string) => {
    const t = await setupEvents(2);
    const sub = t.sub();
    const done: string[] = [];
    const other: string[] = [];
    const failedOnce = new Set<number>();
    const bus = t.bus();
    bus.subscribe(
      [
        {
          id: 'ledger',
          eventName: t.name('acct.*'),
          retry: { maxRetries: 20, backoffMs: 1000, backoffMultiplier: 1 },
          handler: async (e) => {
            const { n: i, tenant } = e.payload as { n: number; tenant: string };
            if (i === 0 && (!failedOnce.has(i) || !done.includes(until))) {
              failedOnce.add(i);
              throw new Error('ledger locked');
            }
            done.push(`${tenant}${i}`);
          },
        },
        { id: 'mirror', eventName: t.name('acct.*'), handler: async (e) => void other.push(`${(e.payload as { tenant: string }).tenant}${n(e)}`) },
      ],
      { name: sub, orderedRetries },
    );
    await bus.start();
    await bus.publishMany(Array.from({ length: 10 }, (_, i) => {
      const tenant = i < 5 ? 'a' : 'b';
      return t.event(t.name('acct.posted'), { n: i, tenant }, { tenantId: tenant });
    }));
    await vi.waitFor(() => expect(done).toHaveLength(10), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(other).toHaveLength(10), { timeout: 30_000, interval: 100 });
    return { done, other, counts: bus.subscription(sub)!.counts };
  };

  it("hold a tenant's later events for the failing handler only, in order, while other tenants and handlers flow", async () => {
    // a0 fails until b9 is handled: tenant b does not wait for tenant a's retry.
    const { done, other, counts } = await scenario(true, 'b9');
    expect(done.filter((d) => d.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(done.filter((d) => d.startsWith('b'))).toEqual(['b5', 'b6', 'b7', 'b8', 'b9']);
    expect(done.indexOf('b9')).toBeLessThan(done.indexOf('a0'));
    // The other handler saw tenant a in order at once.
    expect(other.filter((d) => d.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(counts.parked).toBeGreaterThanOrEqual(4);
  });

  it('without orderedRetries, later events overtake the retried one (as with Spring Kafka retry topics)', async () => {
    // a0 fails until a4 is handled: without ordered retries a's later events do not wait for it.
    const { done } = await scenario(false, 'a4');
    expect(done.filter((d) => d.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a0']);
  });
});
