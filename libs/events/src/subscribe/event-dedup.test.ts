import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type KafkaClient } from '@switchyard/kafka';
import { EventDedup } from './event-dedup.js';

// Pure decisions only: refresh() (which reads the topic) is never called, so the client is never used.
const dedup = (windowMs: number, maxIds: number) => new EventDedup('s', { windowMs, maxIds }, {} as KafkaClient, createLogger('dedup-test', { level: 'silent' }));

/** Admits `id` and settles it as committed; resolves once it is remembered. */
async function handled(d: EventDedup, id: string): Promise<void> {
  expect(await d.admit(id)).toBe(true);
  const committed = Promise.resolve();
  d.settle(id, committed);
  await committed;
  await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('EventDedup', () => {
  it('skips an id handled within the window, admits it again after the window', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const d = dedup(60_000, 10);
    await handled(d, 'a');
    vi.setSystemTime(1_000_000 + 59_999);
    expect(await d.admit('a')).toBe(false);
    vi.setSystemTime(1_000_000 + 60_001);
    expect(await d.admit('a')).toBe(true);
  });

  it('keeps at most maxIds, dropping the oldest', async () => {
    const d = dedup(60_000, 2);
    for (const id of ['a', 'b', 'c']) await handled(d, id);
    expect(d.size).toBe(2);
    expect(await d.admit('b')).toBe(false);
    expect(await d.admit('a')).toBe(true);
  });

  it('a duplicate arriving while the first is in flight waits: skipped if the first committed, run if it did not', async () => {
    const d = dedup(60_000, 10);
    expect(await d.admit('x')).toBe(true);
    const second = d.admit('x');
    let commit!: () => void;
    d.settle('x', new Promise<void>((resolve) => (commit = resolve)));
    commit();
    expect(await second).toBe(false);

    expect(await d.admit('y')).toBe(true);
    const retry = d.admit('y');
    const failed = Promise.reject(new Error('transaction aborted'));
    d.settle('y', failed);
    expect(await retry).toBe(true);
    d.settle('y', undefined);
    expect(await d.admit('y')).toBe(true);
  });
});
