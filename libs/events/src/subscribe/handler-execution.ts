import { isSwitchyardError } from '@switchyard/protocol';
import { RETRY_TIERS, type Logger } from '@switchyard/kafka';
import { AttemptGate, KeyBlocks, chooseTier, computeBackoffMs, errorInfo, shouldRetry, waitUntil, type ErrorInfo } from '@switchyard/pipeline';
import type { EventMetrics } from '../metrics/event-metrics.js';
import type { BusEvent, CompiledHandler } from './event-handler.js';
import { runHandlerOnce } from './handler-attempt.js';
import type { HandlerOutcome } from './handler-outcome.js';
import { retryAfterOf } from './retry-after.js';
import { attemptsOf, selectHandlers, type Selection } from './handler-selection.js';
import type { Item } from './subscription-item.js';

const SHORTEST_TIER = RETRY_TIERS[0]!;

export type { HandlerOutcome } from './handler-outcome.js';

export interface HandlerExecutionDeps {
  readonly name: string;
  /** The subscription's handlers, in execution order. */
  readonly handlers: readonly CompiledHandler[];
  readonly log: Logger;
  readonly metrics: EventMetrics;
  readonly shutdown: AbortSignal;
  /** Ordered retries are on (and the subscription's topics are co-partitioned). */
  readonly ordered: () => boolean;
}

/**
 * The execution of one event in a subscription: which handlers take it, then each handler in
 * priority order (blocking ones alone, adjacent background ones together) until it succeeds,
 * needs a retry topic, or is dead. Backoffs under the shortest tier are waited in memory. With
 * ordered retries, a later event of a (key, handler) in the retry path is parked behind it.
 */
export class HandlerExecution {
  readonly #deps: HandlerExecutionDeps;
  readonly #byId: ReadonlyMap<string, CompiledHandler>;
  /** Ordered retries: per (key, handler), the events in the retry path in the order they must run. */
  readonly #blocks = new KeyBlocks();
  /** (event, handler) pairs whose attempt was abandoned at its timeout while the handler still runs: their next attempt waits. */
  readonly #gate = new AttemptGate();
  readonly #headNotBefore = new Map<string, number>();

  constructor(deps: HandlerExecutionDeps) {
    this.#deps = deps;
    this.#byId = new Map(deps.handlers.map((h) => [h.id, h]));
  }

  /** Handlers that take this event, and those dead-lettered instead (a filter threw; a retry's handler is gone): see handler-selection.ts. */
  select(item: Item, event: BusEvent): Selection {
    return selectHandlers(item, event, { subscription: this.#deps.name, handlers: this.#deps.handlers, byId: this.#byId, log: this.#deps.log });
  }

  /** Blocking handlers run alone, in priority order; adjacent background handlers run together. */
  async run(item: Item, event: BusEvent, handlers: readonly CompiledHandler[]): Promise<HandlerOutcome[]> {
    const base = attemptsOf(item);
    const outcomes: HandlerOutcome[] = [];
    let wave: Promise<HandlerOutcome>[] = [];
    for (const handler of handlers) {
      if (handler.background) {
        wave.push(this.#runHandler(item, event, handler, base));
        continue;
      }
      // No wave to wait for: no Promise.all (two microtask turns per event on the common path).
      if (wave.length > 0) outcomes.push(...(await Promise.all(wave)));
      wave = [];
      outcomes.push(await this.#runHandler(item, event, handler, base));
    }
    if (wave.length > 0) outcomes.push(...(await Promise.all(wave)));
    return outcomes;
  }

  /** A partition this process no longer owns: the ordered-retry blocks of its keys go with it. */
  dropPartition(partition: number): void {
    this.#blocks.dropPartition(partition);
  }

  /** One handler, unless its (key, handler) is blocked behind an earlier event: then parked. */
  async #runHandler(item: Item, event: BusEvent, handler: CompiledHandler, attempts: number): Promise<HandlerOutcome> {
    const { record } = item;
    const blockKey = this.#deps.ordered() && record.key !== null ? `${record.key.toString('utf8')}\u0000${handler.id}` : undefined;
    if (blockKey !== undefined && this.#blocks.isBlocked(blockKey) && this.#blocks.head(blockKey) !== event.id) return this.#park(item, event, handler, blockKey);
    const outcome = await this.#attempts(item, event, handler, attempts);
    if (blockKey !== undefined) {
      if (outcome.retry) {
        this.#blocks.enqueue(blockKey, event.id, record.partition);
        this.#headNotBefore.set(blockKey, outcome.retry.notBefore);
      } else if (outcome.status === 'success' || outcome.dead) {
        this.#blocks.release(blockKey, event.id);
        if (!this.#blocks.isBlocked(blockKey)) this.#headNotBefore.delete(blockKey);
      }
    }
    return outcome;
  }

  /** A later event of a blocked (key, handler): into the retry topics, behind the key's head, without running. */
  #park(item: Item, event: BusEvent, handler: CompiledHandler, blockKey: string): HandlerOutcome {
    const behind = this.#blocks.head(blockKey)!;
    this.#blocks.enqueue(blockKey, event.id, item.record.partition);
    const now = Date.now();
    const notBefore = Math.max(this.#headNotBefore.get(blockKey) ?? now, now + SHORTEST_TIER.delayMs);
    return { handler, status: 'parked', attempt: attemptsOf(item), durationMs: 0, parked: { notBefore, tier: chooseTier(notBefore - now) ?? SHORTEST_TIER, behind } };
  }

  async #attempts(item: Item, event: BusEvent, handler: CompiledHandler, attemptsBefore: number): Promise<HandlerOutcome> {
    const { record } = item;
    const { name, metrics, shutdown, log } = this.#deps;
    let attempt = attemptsBefore;
    const gateKey = `${event.id}\u0000${handler.id}`;
    for (;;) {
      // An earlier attempt abandoned at its timeout may still run (the handler ignored its signal):
      // never two at once. Shutting down meanwhile: not attempted, the event is redelivered.
      if (this.#gate.holds(gateKey) && !(await this.#gate.pass(gateKey, shutdown))) return { handler, status: 'failed', attempt, durationMs: 0 };
      attempt++;
      const result = await runHandlerOnce(handler, event, { subscription: name, handlerId: handler.id, attempt, log, record: { topic: record.topic, partition: record.partition, offset: record.offset } }, shutdown);
      const status = result.ok ? 'success' : result.timedOut ? 'timeout' : 'failed';
      metrics.countHandlerRun(name, handler.id, status);
      metrics.handlerDuration.observe({ subscription: name, handler: handler.id }, result.durationMs / 1000);
      if (result.ok) return { handler, status, attempt, durationMs: result.durationMs };
      this.#gate.hold(gateKey, result.settled);
      const error = handlerErrorInfo(result.error);
      if (shutdown.aborted) return { handler, status, attempt, durationMs: result.durationMs, error };
      const decision = shouldRetry(handler.policy, attempt, result.error);
      if (!decision.retry) {
        log.warn({ subscription: name, handler: handler.id, eventId: event.id, event: event.name, attempt, reason: decision.reason, code: error.code }, 'event handler gave up: dead-lettered');
        return { handler, status, attempt, durationMs: result.durationMs, error, dead: true };
      }
      // A Retry-After on the error (retryAfterMs) is a floor under the backoff, counted from now.
      const delay = Math.max(computeBackoffMs(handler.policy, attempt), retryAfterOf(result.error) ?? 0);
      const notBefore = Date.now() + delay;
      const tier = chooseTier(delay);
      if (tier) return { handler, status, attempt, durationMs: result.durationMs, error, retry: { notBefore, tier } };
      if (!(await waitUntil(notBefore, shutdown))) return { handler, status, attempt, durationMs: result.durationMs, error };
    }
  }
}

/** errorInfo, with the event bus's code for a plain handler failure. */
function handlerErrorInfo(error: unknown): ErrorInfo {
  const info = errorInfo(error);
  return info.code === 'SY_TASK_FAILED' && !isSwitchyardError(error) ? { ...info, code: 'SY_EVENT_HANDLER_FAILED' } : info;
}
