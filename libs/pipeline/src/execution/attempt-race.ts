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
  const unlink = linkToShutdown(shutdown, controller);
  let timer: LongTimeout | undefined;
  let timeoutCode: string | undefined;
  let running!: Promise<T>;
  try {
    // One promise settled by the first of the handler and the timeout (no Promise.race of two).
    const value = await new Promise<T>((resolve, reject) => {
      timer = longTimeout(() => {
        const error = options.timeoutError();
        timeoutCode = error.code;
        controller.abort(error);
        reject(error);
      }, options.timeoutMs);
      running = Promise.resolve().then(() => run(controller.signal));
      running.then(resolve, reject);
    });
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
    unlink();
  }
}

/** The controllers of the attempts running under each shutdown signal. */
const linked = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * Aborts `controller` with `shutdown`'s reason when `shutdown` fires (not when it already has);
 * returns the unlink. One listener per shutdown signal serves every attempt under it, in the
 * order they started (an EventTarget listener per attempt costs more than the attempt).
 */
function linkToShutdown(shutdown: AbortSignal, controller: AbortController): () => void {
  let controllers = linked.get(shutdown);
  if (!controllers) {
    const all = new Set<AbortController>();
    controllers = all;
    linked.set(shutdown, all);
    shutdown.addEventListener('abort', () => {
      for (const c of [...all]) c.abort(shutdown.reason);
      all.clear();
    }, { once: true });
  }
  if (shutdown.aborted) return () => undefined;
  controllers.add(controller);
  const set = controllers;
  return () => void set.delete(controller);
}
