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
  const dueAt = Date.now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = (ms: number) => {
    timer = setTimeout(() => {
      const remaining = dueAt - Date.now();
      if (ms === MAX_TIMER_MS && remaining > 0) arm(timerDelayMs(remaining));
      else callback();
    }, ms);
    if (options.unref) timer.unref();
  };
  arm(timerDelayMs(delayMs));
  return { clear: () => clearTimeout(timer) };
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
