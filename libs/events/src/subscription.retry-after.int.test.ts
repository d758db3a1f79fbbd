import { describe, expect, it, vi } from 'vitest';
import { decodeDeadLetter, eventDlqTopic } from '@switchyard/kafka';
import { collectTopics, setupEvents } from '@switchyard/testing';
import { retryAfter } from './subscribe/retry-after.js';

describe('Retry-After from a handler error (retryAfterMs)', () => {
  it('holds each retry until at least retryAfterMs after the failure, through the retry topics and in memory; the retries still count and the event is dead-lettered after maxRetries', async () => {
    // Before: the backoff alone decided (1 s through the retry topics, 50 ms in memory), so the
    // retries ran well before the wait the error asked for.
    const t = await setupEvents(1);
    const sub = t.sub();
    // When each attempt ran; it fails at once, so that is also when it failed.
    const ranAt: Record<string, number[]> = { tiered: [], memory: [] };
    const bus = t.bus();
    const failing = (id: 'tiered' | 'memory', backoffMs: number, waitMs: number) => ({
      id,
      eventName: t.name('*'),
      async: true,
      retry: { maxRetries: 2, backoffMs, backoffMultiplier: 1 },
      handler: async () => {
        ranAt[id]!.push(Date.now());
        throw retryAfter(new Error(`${id} is rate limited`), waitMs);
      },
    });
    bus.subscribe([failing('tiered', 1000, 3000), failing('memory', 50, 700)], sub);
    await bus.start();
    const dlq = await collectTopics(t.client, [eventDlqTopic(t.domain, sub)]);
    await bus.publish(t.event(t.name('api.called'), { n: 1 }));
    await vi.waitFor(() => expect(dlq.records).toHaveLength(2), { timeout: 60_000, interval: 100 });

    // Each handler ran 1 + maxRetries times, each retry no earlier than retryAfterMs after the failure before it.
    for (const [id, waitMs] of [['tiered', 3000], ['memory', 700]] as const) {
      expect(ranAt[id]).toHaveLength(3);
      for (let i = 1; i < 3; i++) expect(ranAt[id]![i]! - ranAt[id]![i - 1]!).toBeGreaterThanOrEqual(waitMs);
    }
    const dead = dlq.records.map((r) => decodeDeadLetter(r)!).sort((a, b) => a.failedHandler!.localeCompare(b.failedHandler!));
    expect(dead).toMatchObject([
      { failedHandler: 'memory', attempts: 3, code: 'SY_EVENT_HANDLER_FAILED', error: { message: 'memory is rate limited' } },
      { failedHandler: 'tiered', attempts: 3, code: 'SY_EVENT_HANDLER_FAILED', error: { message: 'tiered is rate limited' } },
    ]);
  });
});
