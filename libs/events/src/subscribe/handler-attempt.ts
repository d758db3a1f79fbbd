import { SwitchyardError } from '@switchyard/protocol';
import type { BusEvent, CompiledHandler, EventContext } from './event-handler.js';

/** What one execution of one handler did. */
export type HandlerAttempt =
  | { readonly ok: true; readonly durationMs: number }
  | { readonly ok: false; readonly timedOut: boolean; readonly error: unknown; readonly durationMs: number };

/**
 * Runs a handler once with its timeout. The handler's signal fires on timeout and on shutdown; a
 * handler that ignores it is abandoned at the timeout (the attempt fails with
 * SY_EVENT_HANDLER_TIMEOUT).
 */
export async function runHandlerOnce(handler: CompiledHandler, event: BusEvent, context: Omit<EventContext, 'signal'>, shutdown: AbortSignal): Promise<HandlerAttempt> {
  const started = performance.now();
  const controller = new AbortController();
  const onShutdown = () => controller.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new SwitchyardError('SY_EVENT_HANDLER_TIMEOUT', `Handler ${handler.id} did not finish event ${event.id} (${event.name}) within ${handler.timeoutMs} ms.`, {
        hint: 'Raise the handler timeoutMs, or make the handler honour context.signal.',
      });
      controller.abort(error);
      reject(error);
    }, handler.timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => handler.run(event, { ...context, signal: controller.signal })), timeout]);
    return { ok: true, durationMs: performance.now() - started };
  } catch (error) {
    const timedOut = error instanceof SwitchyardError && error.code === 'SY_EVENT_HANDLER_TIMEOUT';
    return { ok: false, timedOut, error, durationMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
    shutdown.removeEventListener('abort', onShutdown);
  }
}
