import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';
import { CollectedCounts } from '@switchyard/pipeline';

/**
 * Prometheus metrics of the event bus (names from the catalog in libs/kafka). One instance per
 * registry: a bus shares it between its publisher, subscriptions and routes.
 */
export class EventMetrics {
  readonly registry: Registry;
  readonly published: Counter<'event' | 'lane'>;
  readonly consumed: Counter<'subscription' | 'event' | 'outcome'>;
  readonly handlerRuns: Counter<'subscription' | 'handler' | 'status'>;
  readonly handlerDuration: Histogram<'subscription' | 'handler'>;
  readonly routed: Counter<'route' | 'outcome'>;
  /** Counted per event on the hot path, added to {@link consumed} when it is collected (see {@link countConsumed}). */
  readonly #consumed = new CollectedCounts<'subscription' | 'event' | 'outcome'>(['subscription', 'event', 'outcome']);
  readonly #routed = new CollectedCounts<'route' | 'outcome'>(['route', 'outcome']);
  readonly #handlerRuns = new CollectedCounts<'subscription' | 'handler' | 'status'>(['subscription', 'handler', 'status']);

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.published = new Counter({ name: METRICS.eventsPublished, help: 'Events acknowledged by Kafka', labelNames: ['event', 'lane'], registers: [registry] });
    this.consumed = new Counter({
      name: METRICS.eventsConsumed,
      help: 'Events a subscription took: completed, failed (a handler will retry), dead, skipped (no handler, filter or tenant), undecodable',
      labelNames: ['subscription', 'event', 'outcome'],
      registers: [registry],
      collect: () => this.#consumed.flush(this.consumed),
    });
    this.handlerRuns = new Counter({
      name: METRICS.eventHandlerRuns,
      help: 'Handler executions by status',
      labelNames: ['subscription', 'handler', 'status'],
      registers: [registry],
      collect: () => this.#handlerRuns.flush(this.handlerRuns),
    });
    this.handlerDuration = new Histogram({
      name: METRICS.eventHandlerDuration,
      help: 'Handler duration per execution, seconds',
      labelNames: ['subscription', 'handler'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    });
    this.routed = new Counter({
      name: METRICS.eventsRouted,
      help: 'Events a route consumed, by outcome',
      labelNames: ['route', 'outcome'],
      registers: [registry],
      collect: () => this.#routed.flush(this.routed),
    });
  }

  /**
   * One more event a subscription took, in {@link consumed}: counted here and added to the
   * counter when it is collected (a scrape, `get()`), not one label lookup per event.
   */
  countConsumed(subscription: string, event: string, outcome: string): void {
    this.#consumed.add({ subscription, event, outcome });
  }

  /** One more handler execution, in {@link handlerRuns} (added when it is collected). */
  countHandlerRun(subscription: string, handler: string, status: string): void {
    this.#handlerRuns.add({ subscription, handler, status });
  }

  /** One more event a route consumed, in {@link routed} (added when it is collected). */
  countRouted(route: string, outcome: string): void {
    this.#routed.add({ route, outcome });
  }
}
