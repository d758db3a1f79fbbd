import { SwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { raceAttempt } from './attempt-race.js';

const timeoutError = () => new SwitchyardError('SY_TASK_TIMEOUT', 'too slow');

describe('raceAttempt', () => {
  it('returns the value of a handler that finishes', async () => {
    const result = await raceAttempt(() => 42, { timeoutMs: 1_000, timeoutError, controller: new AbortController(), shutdown: new AbortController().signal });
    expect(result).toMatchObject({ ok: true, value: 42 });
  });

  it('reports a thrown error as a failure, not a timeout', async () => {
    const result = await raceAttempt(
      () => {
        throw new Error('boom');
      },
      { timeoutMs: 1_000, timeoutError, controller: new AbortController(), shutdown: new AbortController().signal },
    );
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.timedOut).toBe(false);
  });

  it('abandons a handler that ignores its signal at the timeout, and aborts the signal with the timeout error', async () => {
    let seen: AbortSignal | undefined;
    const result = await raceAttempt(
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      { timeoutMs: 5, timeoutError, controller: new AbortController(), shutdown: new AbortController().signal },
    );
    expect(result.ok === false && result.timedOut).toBe(true);
    expect(seen?.aborted).toBe(true);
    expect((seen?.reason as SwitchyardError).code).toBe('SY_TASK_TIMEOUT');
  });

  it('a timed-out result says when the abandoned handler really settled', async () => {
    let finish!: () => void;
    const result = await raceAttempt(() => new Promise<void>((resolve) => (finish = resolve)), { timeoutMs: 10, timeoutError, controller: new AbortController(), shutdown: new AbortController().signal });
    expect(result).toMatchObject({ ok: false, timedOut: true });
    let settled = false;
    void (result.ok ? undefined : result.settled.then(() => (settled = true)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    finish();
    await (result.ok ? undefined : result.settled);
    expect(settled).toBe(true);
  });

  it('passes the shutdown reason to the handler signal', async () => {
    const shutdown = new AbortController();
    const result = await raceAttempt(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error));
          shutdown.abort(new Error('closing'));
        }),
      { timeoutMs: 60_000, timeoutError, controller: new AbortController(), shutdown: shutdown.signal },
    );
    expect(result.ok === false && (result.error as Error).message).toBe('closing');
    expect(result.ok === false && result.timedOut).toBe(false);
  });

  it('treats a handler-thrown error with the timeout code as a failure when the timer did not fire', async () => {
    const result = await raceAttempt(
      () => {
        throw timeoutError();
      },
      { timeoutMs: 60_000, timeoutError, controller: new AbortController(), shutdown: new AbortController().signal },
    );
    expect(result.ok === false && result.timedOut).toBe(false);
  });
});
