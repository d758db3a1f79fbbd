import { SwitchyardError } from '@switchyard/protocol';
import { raceAttempt } from '@switchyard/pipeline';
import type { BusEvent, CompiledHandler, EventContext } from './event-handler.js';

/** What one execution of one handler did. */
export type HandlerAttempt =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly timedOut: boolean; readonly error: unknown; readonly durationMs: number; readonly settled: Promise<void> };

/**
 * Runs a handler once with its timeout, in the pipeline's attempt race. The handler's signal
 * fires on timeout and on shutdown; a handler that ignores it is abandoned at the timeout (the
 * attempt fails with SY_EVENT_HANDLER_TIMEOUT) and keeps running: `settled` resolves when it
 * stops, and the subscription's attempt gate holds the next attempt of that handler on that event
 * until then.
 */
export async function runHandlerOnce(handler: CompiledHandler, event: BusEvent, context: Omit<EventContext, 'signal'>, shutdown: AbortSignal): Promise<HandlerAttempt> {
  const result = await raceAttempt((signal) => handler.run(event, { ...context, signal }), {
    timeoutMs: handler.timeoutMs,
    controller: new AbortController(),
    shutdown,
    timeoutError: () =>
      new SwitchyardError('SY_EVENT_HANDLER_TIMEOUT', `Handler ${handler.id} did not finish event ${event.id} (${event.name}) within ${handler.timeoutMs} ms.`, {
        hint: 'Raise the handler timeoutMs, or make the handler honour context.signal.',
      }),
  });
  return result.ok ? { ok: true, durationMs: result.durationMs } : { ok: false, timedOut: result.timedOut, error: result.error, durationMs: result.durationMs, settled: result.settled };
}
