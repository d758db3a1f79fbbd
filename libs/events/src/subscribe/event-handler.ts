import { z } from 'zod';
import { EventHandlerSchema, parseOrThrow, SwitchyardError, type Event, type EventHandlerInput, type TaskRetryPolicy } from '@switchyard/protocol';
import { compilePattern, EventPatternSchema, type CompiledPattern, type Logger } from '@switchyard/kafka';

/** An event as handlers receive it: the protocol Event, with its id always set. */
export type BusEvent = Event & { readonly id: string };

/** What a handler gets besides the event. */
export interface EventContext {
  readonly subscription: string;
  readonly handlerId: string;
  /** 1 on the first execution of this handler for this event, 2 on its first retry, ... */
  readonly attempt: number;
  /** Fires on the handler's timeoutMs and on shutdown: stop work you can stop. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Where the event was read from. */
  readonly record: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/** A handler function: the protocol's `(event) => Promise<void>`, with a context as second argument. */
export type EventHandlerFunction = (event: BusEvent, context: EventContext) => unknown;

/** The protocol's EventHandler, with our handler signature. */
export type SubscribeHandler = Omit<EventHandlerInput, 'handler' | 'filter'> & {
  readonly handler: EventHandlerFunction;
  readonly filter?: (event: BusEvent) => boolean;
};

/** A handler ready to run: pattern compiled, retry policy resolved. */
export interface CompiledHandler {
  readonly id: string;
  readonly pattern: CompiledPattern;
  readonly run: EventHandlerFunction;
  readonly filter?: (event: BusEvent) => boolean;
  readonly priority: number;
  /** false: runs alone, in priority order (blocking); true: runs alongside adjacent background handlers. */
  readonly background: boolean;
  readonly policy: TaskRetryPolicy;
  readonly timeoutMs: number;
}

/** Handler ids become header values and log fields: keep them short and printable. */
export const HandlerIdSchema = z.string().regex(/^[A-Za-z0-9_.:@-]{1,100}$/, { message: 'must be 1-100 characters of A-Z, a-z, 0-9, _ . : @ or -' });

/** Longest delay a handler retry can reach (the protocol's handler retry has no cap). */
const MAX_HANDLER_BACKOFF_MS = 3_600_000;

/**
 * Validates a handler against the protocol's EventHandler schema and compiles it. Errors name the
 * field (`handlers[2].eventName ...`).
 */
export function compileHandler(input: SubscribeHandler, index: number, defaults: { readonly policy: TaskRetryPolicy; readonly timeoutMs: number; readonly subscription: string }, what = `handlers[${index}]`): CompiledHandler {
  const parsed = parseOrThrow(EventHandlerSchema, input, { code: 'SY_INVALID_CONFIG', what });
  const pattern = EventPatternSchema.safeParse(parsed.eventName);
  if (!pattern.success) {
    throw new SwitchyardError('SY_INVALID_CONFIG', `${what}.eventName "${parsed.eventName}" ${pattern.error.issues[0]!.message}.`, { hint: 'Use an event name or a wildcard pattern such as user.*, *.created or *.' });
  }
  const id = parsed.id ?? `${defaults.subscription}.${index}`;
  const idCheck = HandlerIdSchema.safeParse(id);
  if (!idCheck.success) throw new SwitchyardError('SY_INVALID_CONFIG', `${what}.id "${id}" ${idCheck.error.issues[0]!.message}.`, { hint: 'Give the handler a short stable id, e.g. "send-welcome-mail".' });
  const policy: TaskRetryPolicy = parsed.retry
    ? { maxRetries: parsed.retry.maxRetries, backoffStrategy: 'exponential', initialDelayMs: parsed.retry.backoffMs, backoffMultiplier: parsed.retry.backoffMultiplier, maxDelayMs: MAX_HANDLER_BACKOFF_MS }
    : defaults.policy;
  return {
    id,
    pattern: compilePattern(parsed.eventName),
    run: input.handler,
    ...(input.filter ? { filter: input.filter } : {}),
    priority: parsed.priority,
    background: parsed.async,
    policy,
    timeoutMs: parsed.timeoutMs ?? defaults.timeoutMs,
  };
}

/** Handlers in execution order: lower priority numbers first, registration order among equals. */
export function inExecutionOrder(handlers: readonly CompiledHandler[]): CompiledHandler[] {
  return handlers.map((h, i) => ({ h, i })).sort((a, b) => a.h.priority - b.h.priority || a.i - b.i).map(({ h }) => h);
}
