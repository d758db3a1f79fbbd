import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerPort } from '@switchyard/kafka';
import { MAX_TIMER_MS } from '@switchyard/protocol';
import { TimedPauses } from './partition-pauses.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The two calls TimedPauses makes on the consumer port, recorded. */
function recordingConsumer() {
  const calls: string[] = [];
  const consumer = {
    pause: (parts: readonly { topic: string; partitions?: readonly number[] }[]) => void calls.push(...parts.map((p) => `pause ${p.topic}/${p.partitions?.join(',')}`)),
    resume: (parts: readonly { topic: string; partitions?: readonly number[] }[]) => void calls.push(...parts.map((p) => `resume ${p.topic}/${p.partitions?.join(',')}`)),
  } as unknown as ConsumerPort;
  return { consumer, calls };
}

describe('TimedPauses (fake timers: they fire a delay beyond 2^31-1 ms after 1 ms, as Node does)', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('resumes a partition when its time is due', () => {
    const { consumer, calls } = recordingConsumer();
    const pauses = new TimedPauses(() => consumer, () => true);
    pauses.pauseUntil('t', 0, Date.now() + 1_000);
    vi.advanceTimersByTime(999);
    expect(calls).toEqual(['pause t/0']);
    vi.advanceTimersByTime(10);
    expect(calls).toEqual(['pause t/0', 'resume t/0']);
  });

  it('a far-future time in a delay tier keeps the partition paused until due: the timer is armed with at most 2^31-1 ms and re-armed, not resumed after 1 ms', () => {
    // Regression (issue 11): setTimeout got the whole delay (here 60 days), fired after 1 ms, the
    // partition resumed, its next batch paused it again: a busy pause/resume loop.
    const { consumer, calls } = recordingConsumer();
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const pauses = new TimedPauses(() => consumer, () => true);
    const due = Date.now() + 60 * DAY_MS;
    pauses.pauseUntil('t', 3, due);
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(['pause t/3']);
    expect(armed.mock.calls.map((c) => c[1])).toEqual([MAX_TIMER_MS]);
    vi.advanceTimersByTime(due - Date.now() - 1);
    expect(calls).toEqual(['pause t/3']);
    // 60 days: armed with the bound twice (2 x 24.8 days), then with the rest.
    expect(armed.mock.calls).toHaveLength(3);
    expect(armed.mock.calls.every((c) => (c[1] as number) <= MAX_TIMER_MS)).toBe(true);
    vi.advanceTimersByTime(10);
    expect(calls).toEqual(['pause t/3', 'resume t/3']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clear() stops a re-armed timer too', () => {
    const { consumer, calls } = recordingConsumer();
    const pauses = new TimedPauses(() => consumer, () => true);
    pauses.pauseUntil('t', 0, Date.now() + 40 * DAY_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    expect(vi.getTimerCount()).toBe(1);
    pauses.clear();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(40 * DAY_MS);
    expect(calls).toEqual(['pause t/0']);
  });
});
