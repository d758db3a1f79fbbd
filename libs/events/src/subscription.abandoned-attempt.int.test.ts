import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, eventDlqTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import type { BusEvent } from './subscribe/event-handler.js';

const TIMEOUT_MS = 500;
const n = (event: BusEvent) => (event.payload as { n: number }).n;

describe('a handler that ignores its AbortSignal', () => {
  it('times out, and the next attempt of that handler on that event waits until it really settled: never two at once', async () => {
    // Regression (issue 11): the attempt was abandoned at its timeout and the in-memory retry
    // (50 ms later) ran beside it while the first one (3x its timeout) still did.
    const t = await setupEvents();
    const sub = t.sub();
    const running = new Map<number, number>();
    const most = new Map<number, number>();
    const attempts: string[] = [];
    const bus = t.bus();
    bus.subscribe(
      {
        id: 'stubborn',
        eventName: t.name('*'),
        timeoutMs: TIMEOUT_MS,
        retry: { maxRetries: 2, backoffMs: 50, backoffMultiplier: 1 },
        handler: async (event, context) => {
          attempts.push(`${n(event)}#${context.attempt}`);
          running.set(n(event), (running.get(n(event)) ?? 0) + 1);
          most.set(n(event), Math.max(most.get(n(event)) ?? 0, running.get(n(event))!));
          await sleep(3 * TIMEOUT_MS); // ignores context.signal
          running.set(n(event), running.get(n(event))! - 1);
        },
      },
      { name: sub, concurrency: 10 },
    );
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    const ns = [0, 1, 2, 3];
    await bus.publishMany(ns.map((i) => t.event(t.name('order.placed'), { n: i }, { tenantId: `tenant-${i}` })));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(ns.length), { timeout: 60_000, interval: 100 });
    expect(dlq.records.map((r) => decodeDeadLetter(r)!).map((d) => ({ code: d.code, attempts: d.attempts }))).toEqual(ns.map(() => ({ code: 'SY_EVENT_HANDLER_TIMEOUT', attempts: 3 })));
    expect(Object.fromEntries(most)).toEqual(Object.fromEntries(ns.map((i) => [i, 1])));
    expect(attempts.toSorted()).toEqual(ns.flatMap((i) => [1, 2, 3].map((a) => `${i}#${a}`)));
  });
});
