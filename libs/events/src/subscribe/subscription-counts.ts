import type { EventMetrics } from '../metrics/event-metrics.js';
import type { EventOutcome } from './subscription-records.js';

export interface SubscriptionCountsView {
  readonly completed: number;
  readonly failed: number;
  readonly dead: number;
  readonly skipped: number;
  readonly parked: number;
}

/**
 * What a subscription took, counted twice over: in this process (`counts` of the subscription,
 * for tests and health) and in the bus's Prometheus `consumed` counter (by event name and outcome).
 */
export class SubscriptionCounts {
  readonly #name: string;
  readonly #metrics: EventMetrics;
  readonly #counts = { completed: 0, failed: 0, dead: 0, skipped: 0, parked: 0 };

  constructor(name: string, metrics: EventMetrics) {
    this.#name = name;
    this.#metrics = metrics;
  }

  get view(): SubscriptionCountsView {
    return { ...this.#counts };
  }

  /** An event its handlers ran on (or parked behind its key). */
  handled(eventName: string, outcome: EventOutcome): void {
    this.#counts[outcome]++;
    this.#metrics.countConsumed(this.#name, eventName, outcome);
  }

  /** An event no handler took: no match, a filter said no, another tenant's, or (`duplicate`) an id dedup had seen. */
  skipped(eventName: string, why: 'skipped' | 'duplicate' = 'skipped'): void {
    this.#counts.skipped++;
    this.#metrics.countConsumed(this.#name, eventName, why);
  }

  /** A record that is not an event this bus can read: dead-lettered. */
  undecodable(): void {
    this.#counts.dead++;
    this.#metrics.countConsumed(this.#name, 'unknown', 'undecodable');
  }
}
