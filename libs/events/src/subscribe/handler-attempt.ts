import { SwitchyardError } from '@switchyard/protocol';
import { raceAttempt, type RaceResult } from '@switchyard/pipeline';
import type { BusEvent, CompiledHandler, EventContext } from './event-handler.js';

/** What one execution of one handler did: the pipeline's race result. */
export type HandlerAttempt = RaceResult<unknown>;

/**
 * Runs a handler once with its timeout, in the pipeline's attempt race. The handler's signal
 * fires on timeout and on shutdown; a handler that ignores it is abandoned at the timeout (the
 * attempt fails with SY_EVENT_HANDLER_TIMEOUT) and keeps running: `settled` resolves when it
 * stops, and the subscription's attempt gate holds the next attempt of that handler on that event
 * until then.
 */
export function runHandlerOnce(handler: CompiledHandler, event: BusEvent, context: Omit<EventContext, 'signal'>, shutdown: AbortSignal): Promise<HandlerAttempt> {
  return raceAttempt<unknown>((signal) => handler.run(event, { ...context, signal }), {
    timeoutMs: handler.timeoutMs,
    controller: new AbortController(),
    shutdown,
    timeoutError: () =>
      new SwitchyardError('SY_EVENT_HANDLER_TIMEOUT', `Handler ${handler.id} did not finish event ${event.id} (${event.name}) within ${handler.timeoutMs} ms.`, {
        hint: 'Raise the handler timeoutMs, or make the handler honour context.signal.',
      }),
  });
}
