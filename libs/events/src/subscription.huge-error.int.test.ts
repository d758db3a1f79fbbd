import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, eventDlqTopic } from '@switchyard/kafka';
import { ERROR_INFO_LIMITS, TRUNCATED_MARK } from '@switchyard/pipeline';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

const n = (event: BusEvent) => (event.payload as { n: number }).n;

describe('a huge error message', () => {
  it('does not wedge a subscription: the event is retried and dead-lettered with the message cut to the bound, and a later event on the same partition is handled', async () => {
    // Regression (issue 11): a handler throwing a 2 MB message made its retry, DLQ and event log
    // records larger than the broker's max.message.bytes (1 MiB by default), so the transaction
    // carrying them failed again and again, and nothing after it on the partition was committed.
    const t = await setupEvents(1);
    const sub = t.sub();
    const huge = `huge failure ${'x'.repeat(2 * 1024 * 1024)}`;
    const handled: number[] = [];
    const bus = t.bus();
    bus.subscribe(
      {
        id: 'loud',
        eventName: t.name('*'),
        retry: { maxRetries: 1, backoffMs: 50, backoffMultiplier: 1 },
        handler: async (event) => {
          if (n(event) === 0) throw new Error(huge);
          handled.push(n(event));
        },
      },
      sub,
    );
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await bus.publish(t.event(t.name('order.placed'), { n: 0 }));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(1), { timeout: 60_000, interval: 100 });
    const dead = decodeDeadLetter(dlq.records[0]!)!;
    expect(dead).toMatchObject({ attempts: 2, failedHandler: 'loud', code: 'SY_EVENT_HANDLER_FAILED' });
    expect(dead.error.message).toHaveLength(ERROR_INFO_LIMITS.messageChars);
    expect(dead.error.message.startsWith('huge failure xxx')).toBe(true);
    expect(dead.error.message.endsWith(`${TRUNCATED_MARK}${huge.length} characters]`)).toBe(true);

    // One partition: it keeps flowing past the loud event.
    await bus.publish(t.event(t.name('order.placed'), { n: 1 }));
    await vi.waitFor(() => expect(handled).toEqual([1]), { timeout: 30_000, interval: 100 });
    await vi.waitFor(() => expect(bus.subscription(sub)!.counts.dead).toBe(1), { timeout: 30_000, interval: 100 });
  });
});
