import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_TIMER_MS } from '@switchyard/protocol';

/** A timer armed by {@link longTimeout}. */
export interface LongTimeout {
  /** Stops it: the callback does not run. */
  clear(): void;
}

/**
 * A computed delay as setTimeout can take it: NaN and negatives are 0, anything longer than
 * {@link MAX_TIMER_MS} (2^31-1 ms, about 24.8 days) is MAX_TIMER_MS. Node fires a longer timer after
 * 1 ms, so a far-future time would run at once (and a pause re-armed from it, in a busy loop).
 */
export function timerDelayMs(delayMs: number): number {
  if (Number.isNaN(delayMs) || delayMs <= 0) return 0;
  return Math.min(delayMs, MAX_TIMER_MS);
}

/**
 * setTimeout for a delay of any length: a delay within {@link MAX_TIMER_MS} is one timer as usual;
 * a longer one is armed with MAX_TIMER_MS and re-armed (by the clock) until it is due, so the
 * callback never runs early.
 */
export function longTimeout(callback: () => void, delayMs: number, options: { readonly unref?: boolean } = {}): LongTimeout {
  return new LongTimer(callback, Date.now() + delayMs, timerDelayMs(delayMs), options.unref === true);
}

/**
 * One armed {@link longTimeout}. A class with the timer's state in fields, not closures: every
 * handler attempt arms one, and closures made per call (renamed one by one under tsx) showed in
 * the worker's profile.
 */
class LongTimer implements LongTimeout {
  readonly #callback: () => void;
  readonly #dueAt: number;
  readonly #unref: boolean;
  #timer: NodeJS.Timeout;

  constructor(callback: () => void, dueAt: number, firstDelayMs: number, unref: boolean) {
    this.#callback = callback;
    this.#dueAt = dueAt;
    this.#unref = unref;
    this.#timer = this.#arm(firstDelayMs);
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  #arm(ms: number): NodeJS.Timeout {
    const timer = setTimeout(fireLongTimer, ms, this, ms);
    if (this.#unref) timer.unref();
    return timer;
  }

  /** The timer fired after `ms`: the callback when due, else armed again for what remains. */
  fired(ms: number): void {
    const remaining = this.#dueAt - Date.now();
    if (ms === MAX_TIMER_MS && remaining > 0) this.#timer = this.#arm(timerDelayMs(remaining));
    else this.#callback();
  }
}

function fireLongTimer(timer: LongTimer, ms: number): void {
  timer.fired(ms);
}

/**
 * Waits for `work` at most `ms`: true when it settled in time (its rejection is thrown), false when
 * the time ran out first (it goes on unawaited; a later rejection is dropped). For steps of a
 * shutdown that can hang when the broker or the topics are gone.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: LongTimeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = longTimeout(() => resolve(false), ms, { unref: true });
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    timer?.clear();
  }
}

/**
 * Waits until the wall clock reaches `notBefore` (epoch ms). Timers may fire a millisecond early
 * against Date.now(), so it checks again and waits the rest: a not-before is a guarantee (a worker
 * retry ran 1 ms before its backoff in an int test before it waited this way). A wait longer than
 * {@link MAX_TIMER_MS} goes in steps of it. False when the signal aborts first.
 */
export async function waitUntil(notBefore: number, signal: AbortSignal): Promise<boolean> {
  for (let left = notBefore - Date.now(); left > 0; left = notBefore - Date.now()) {
    if (!(await sleep(timerDelayMs(left), true, { signal }).catch(() => false))) return false;
  }
  return !signal.aborted;
}
