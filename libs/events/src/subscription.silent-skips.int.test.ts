import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, encodeEventRecord, eventDlqTopic, subscriptionReplayTopic, subscriptionRetryTopic, EVENT_HEADERS } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

const n = (event: BusEvent) => (event.payload as { n: number }).n;

describe('no silent skips', () => {
  it('dead-letters an event for a handler whose filter throws, with the reason; the other handlers and events run', async () => {
    // Before: the throw was logged and the handler just did not take the event (nothing to redrive).
    const t = await setupEvents(1);
    const sub = t.sub();
    const picky: number[] = [];
    const audit: number[] = [];
    const bus = t.bus();
    bus.subscribe(
      [
        {
          id: 'picky',
          eventName: t.name('*'),
          filter: (e) => {
            if (n(e) === 1) throw new Error('filter cannot read n=1');
            return true;
          },
          handler: async (e) => void picky.push(n(e)),
        },
        { id: 'audit', eventName: t.name('*'), handler: async (e) => void audit.push(n(e)) },
      ],
      sub,
    );
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await bus.publishMany([0, 1, 2].map((i) => t.event(t.name('item.added'), { n: i })));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(audit.sort()).toEqual([0, 1, 2]), { timeout: 30_000, interval: 100 });
    expect(picky.sort()).toEqual([0, 2]);
    const dead = decodeDeadLetter(dlq.records[0]!)!;
    expect(dead).toMatchObject({ failedHandler: 'picky', attempts: 0, code: 'SY_EVENT_FILTER_FAILED', error: { message: expect.stringContaining('The filter of handler picky threw') } });
    expect(dead.error.message).toContain('filter cannot read n=1');
    expect(JSON.parse(dlq.records[0]!.value!.toString())).toEqual({ n: 1 });
    expect(bus.subscription(sub)!.counts).toMatchObject({ dead: 1, completed: 2 });
  });

  it('dead-letters a retry whose handler the subscription no longer has, naming it', async () => {
    // Before: the retry was logged and committed away; the event was lost for that handler.
    const t = await setupEvents(1);
    const sub = t.sub();
    const before = t.bus();
    let failures = 0;
    before.subscribe(
      {
        id: 'legacy',
        eventName: t.name('*'),
        retry: { maxRetries: 3, backoffMs: 1000, backoffMultiplier: 1 },
        handler: async () => {
          failures++;
          throw new Error('down');
        },
      },
      sub,
    );
    await before.start();
    const retries = await collectTopics(t.client, [subscriptionRetryTopic(sub, '1s')]);
    await before.publish(t.event(t.name('item.added'), { n: 7 }));
    // The retry is committed with the event's offset (one transaction); then the handler goes away.
    await vi.waitFor(() => expect(retries.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    await before.close();
    expect(failures).toBe(1);

    const after = t.bus();
    const ran: number[] = [];
    after.subscribe({ id: 'current', eventName: t.name('*'), handler: async (e) => void ran.push(n(e)) }, sub);
    await after.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 30_000, interval: 100 });
    const dead = decodeDeadLetter(dlq.records[0]!)!;
    expect(dead).toMatchObject({ failedHandler: 'legacy', attempts: 1, code: 'SY_UNKNOWN_EVENT_HANDLER', error: { message: expect.stringContaining('has no handler "legacy"; a retry') } });
    expect(dlq.records[0]!.headers[EVENT_HEADERS.handler]?.toString()).toBe('legacy');
    expect(after.subscription(sub)!.counts.dead).toBe(1);
    // The retry was for "legacy" only: the current handler does not run it.
    expect(ran).toEqual([]);
  });

  it('dead-letters a replay for each named handler the subscription does not have, and runs the named ones it has', async () => {
    // Before: an unknown target id was filtered away like a handler that does not match (a redrive of a renamed handler ran nothing).
    const t = await setupEvents(1);
    const sub = t.sub();
    const ran: string[] = [];
    const bus = t.bus();
    bus.subscribe([{ id: 'h1', eventName: t.name('*'), handler: async (e) => void ran.push(`h1/${n(e)}`) }, { id: 'h2', eventName: t.name('*'), handler: async (e) => void ran.push(`h2/${n(e)}`) }], sub);
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    const replay = (i: number, targets: string) => encodeEventRecord({ id: `r${i}`, name: t.name('re.play'), source: 'replay', timestamp: new Date().toISOString(), priority: 'normal', contentType: 'application/json' }, JSON.stringify({ n: i }), { [EVENT_HEADERS.targetHandlers]: targets });
    const producer = t.client.producer();
    await producer.connect();
    await producer.send([{ topic: subscriptionReplayTopic(sub), records: [replay(1, 'gone'), replay(2, 'h2,old')] }]);
    await producer.disconnect();
    await vi.waitFor(() => expect(dlq.records).toHaveLength(2), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(ran).toEqual(['h2/2']), { timeout: 30_000, interval: 100 });
    const dead = dlq.records.map((r) => ({ n: (JSON.parse(r.value!.toString()) as { n: number }).n, ...decodeDeadLetter(r)! })).sort((a, b) => a.n - b.n);
    expect(dead).toMatchObject([
      { n: 1, failedHandler: 'gone', code: 'SY_UNKNOWN_EVENT_HANDLER', error: { message: expect.stringContaining('a replay of event r1') } },
      { n: 2, failedHandler: 'old', code: 'SY_UNKNOWN_EVENT_HANDLER', error: { message: expect.stringContaining('has no handler "old"') } },
    ]);
    expect(bus.subscription(sub)!.counts.dead).toBe(2);
  });
});
