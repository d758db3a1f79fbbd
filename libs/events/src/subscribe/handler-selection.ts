import { SwitchyardError } from '@switchyard/protocol';
import { EVENT_HEADERS, type Logger } from '@switchyard/kafka';
import { errorInfo, type ErrorInfo } from '@switchyard/pipeline';
import type { BusEvent, CompiledHandler } from './event-handler.js';
import type { HandlerOutcome } from './handler-outcome.js';
import { header, type Item } from './subscription-item.js';

/** Which handlers take an event, and what cannot be run and is dead-lettered instead. */
export interface Selection {
  /** Handlers to run, in execution order. */
  readonly run: CompiledHandler[];
  /** Handlers whose filter threw on the event: dead-lettered for that handler (SY_EVENT_FILTER_FAILED), not run. */
  readonly filterFailed: HandlerOutcome[];
  /** Handlers a retry or a replay names that the subscription no longer has: dead-lettered for each (SY_UNKNOWN_EVENT_HANDLER). */
  readonly missing: readonly MissingHandler[];
}

/** A handler a retry or replay names and the subscription does not have. */
export interface MissingHandler {
  readonly handlerId: string;
  readonly attempts: number;
  readonly error: ErrorInfo;
}

export interface SelectionContext {
  readonly subscription: string;
  /** The subscription's handlers, in execution order. */
  readonly handlers: readonly CompiledHandler[];
  readonly byId: ReadonlyMap<string, CompiledHandler>;
  readonly log: Logger;
}

/**
 * Handlers that take this event: matching pattern and filter; a retry names its one handler, a
 * replay may name several. A filter that throws, or a retry or replay for a handler that is gone,
 * is not skipped in silence: it is dead-lettered with the reason, so the event can be redriven once fixed.
 */
export function selectHandlers(item: Item, event: BusEvent, ctx: SelectionContext): Selection {
  if (item.source.kind === 'retry') {
    const id = header(item.record, EVENT_HEADERS.handler) ?? '';
    const handler = ctx.byId.get(id);
    return handler ? { run: [handler], filterFailed: [], missing: [] } : { run: [], filterFailed: [], missing: [missingHandler(item, event, id, ctx)] };
  }
  const targets = item.source.kind === 'replay' ? header(item.record, EVENT_HEADERS.targetHandlers)?.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const missing = (targets ?? []).filter((id) => !ctx.byId.has(id)).map((id) => missingHandler(item, event, id, ctx));
  const run: CompiledHandler[] = [];
  const filterFailed: HandlerOutcome[] = [];
  for (const h of ctx.handlers) {
    if (targets && targets.length > 0 && !targets.includes(h.id)) continue;
    if (!h.pattern.matches(event.name)) continue;
    try {
      if (!h.filter || h.filter(event)) run.push(h);
    } catch (error) {
      ctx.log.warn({ err: error, subscription: ctx.subscription, handler: h.id, eventId: event.id, event: event.name }, 'handler filter threw: dead-lettered for that handler');
      const failure = new SwitchyardError('SY_EVENT_FILTER_FAILED', `The filter of handler ${h.id} threw on event ${event.id} (${event.name}): ${(error as Error)?.message ?? String(error)}`, {
        hint: 'Fix the filter (it must return true or false, not throw), then redrive the dead letter: it runs that handler only.',
        details: { handler: h.id, stage: 'filter' },
        cause: error,
      });
      filterFailed.push({ handler: h, status: 'failed', attempt: attemptsOf(item), durationMs: 0, error: errorInfo(failure), dead: true });
    }
  }
  return { run, filterFailed, missing };
}

function missingHandler(item: Item, event: BusEvent, id: string, ctx: SelectionContext): MissingHandler {
  const what = item.source.kind === 'retry' ? 'a retry' : 'a replay';
  ctx.log.warn({ subscription: ctx.subscription, handler: id, eventId: event.id, event: event.name }, `${what} for a handler this subscription does not have: dead-lettered`);
  const error = new SwitchyardError('SY_UNKNOWN_EVENT_HANDLER', `Subscription ${ctx.subscription} has no handler "${id}"; ${what} of event ${event.id} (${event.name}) names it.`, {
    hint: `Register the handler "${id}" again and redrive the dead letter, or discard it (handlers now: ${ctx.handlers.map((h) => h.id).join(', ')}).`,
    details: { handler: id, handlers: ctx.handlers.map((h) => h.id) },
  });
  return { handlerId: id, attempts: attemptsOf(item), error: errorInfo(error) };
}

/** Attempts a handler already had: a retry carries them in a header; a fresh event has none. */
export function attemptsOf(item: Item): number {
  return item.source.kind === 'retry' ? Number(header(item.record, EVENT_HEADERS.attempt) ?? 0) || 0 : 0;
}
