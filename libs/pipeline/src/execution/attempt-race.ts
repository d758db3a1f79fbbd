import { SwitchyardError } from '@switchyard/protocol';
import { longTimeout, type LongTimeout } from '../timers/long-timeout.js';

/** What one attempt did. `startedAtMs` is wall-clock (for records); `durationMs` is monotonic. */
export type RaceResult<T> =
  | { readonly ok: true; readonly value: T; readonly startedAtMs: number; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly timedOut: boolean;
      readonly startedAtMs: number;
      readonly durationMs: number;
      /** Resolves once the handler has really settled: later than the result when it ignored its signal at the timeout. */
      readonly settled: Promise<void>;
    };

export interface RaceOptions {
  readonly timeoutMs: number;
  /** The catalog error the attempt fails with at the timeout (its `code` marks a timeout). */
  readonly timeoutError: () => SwitchyardError;
  /** Aborted on timeout, on shutdown, or by the caller (cancellation); the handler gets its signal. */
  readonly controller: AbortController;
  /** The consumer's shutdown: aborts the attempt's controller with its reason. */
  readonly shutdown: AbortSignal;
}

/**
 * The attempt/timeout race every consumer of the pipeline runs a handler in: `run` gets the
 * controller's AbortSignal, which fires on timeout, on shutdown or when the caller aborts it. A
 * handler that ignores the signal is abandoned at the timeout (the attempt fails with the
 * `timeoutError`); what it keeps running is the caller's to account for: a failed result's
 * `settled` resolves when the handler really stopped, and an `AttemptGate` holds the next
 * attempt of the same task until then.
 */
export async function raceAttempt<T>(run: (signal: AbortSignal) => T | Promise<T>, options: RaceOptions): Promise<RaceResult<T>> {
  const { controller, shutdown } = options;
  const startedAtMs = Date.now();
  const started = performance.now();
  const onShutdown = () => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  let timer: LongTimeout | undefined;
  let timeoutCode: string | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = longTimeout(() => {
      const error = options.timeoutError();
      timeoutCode = error.code;
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  const running = Promise.resolve().then(() => run(controller.signal));
  try {
    const value = await Promise.race([running, timeout]);
    return { ok: true, value, startedAtMs, durationMs: performance.now() - started };
  } catch (error) {
    const timedOut = timeoutCode !== undefined && error instanceof SwitchyardError && error.code === timeoutCode;
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    return { ok: false, error, timedOut, startedAtMs, durationMs: performance.now() - started, settled };
  } finally {
    timer?.clear();
    shutdown.removeEventListener('abort', onShutdown);
  }
}
