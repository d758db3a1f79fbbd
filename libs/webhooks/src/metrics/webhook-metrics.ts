import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';
import type { BreakerState } from '../breaker/circuit-breaker.js';
import type { DeliveryAttemptResult } from '../delivery/delivery-attempt.js';

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** Prometheus metrics of webhook deliveries, per endpoint (names from the catalog in libs/kafka). */
export class WebhookMetrics {
  readonly registry: Registry;
  readonly attempts: Counter<'endpoint' | 'outcome'>;
  readonly successes: Counter<'endpoint'>;
  readonly failures: Counter<'endpoint' | 'code'>;
  readonly attemptDuration: Histogram<'endpoint'>;
  readonly breakerState: Gauge<'endpoint' | 'state'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.attempts = new Counter({ name: METRICS.webhookAttempts, help: 'Webhook delivery attempts, per endpoint and outcome', labelNames: ['endpoint', 'outcome'], registers: [registry] });
    this.successes = new Counter({ name: METRICS.webhookSuccesses, help: 'Webhook deliveries answered 2xx, per endpoint', labelNames: ['endpoint'], registers: [registry] });
    this.failures = new Counter({ name: METRICS.webhookFailures, help: 'Webhook attempts that did not succeed, per endpoint and error code', labelNames: ['endpoint', 'code'], registers: [registry] });
    this.attemptDuration = new Histogram({
      name: METRICS.webhookAttemptDuration,
      help: 'Seconds of one webhook attempt, from the SSRF check to the last byte read',
      labelNames: ['endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.breakerState = new Gauge({ name: METRICS.webhookBreakerState, help: "1 for the endpoint's current circuit breaker state, 0 for the others", labelNames: ['endpoint', 'state'], registers: [registry] });
  }

  /** Counts one attempt: its outcome, success or failure code, and its duration. */
  observeAttempt(endpoint: string, result: Pick<DeliveryAttemptResult, 'outcome' | 'latencyMs' | 'error'>): void {
    this.attempts.inc({ endpoint, outcome: result.outcome });
    if (result.outcome === 'succeeded') this.successes.inc({ endpoint });
    else this.failures.inc({ endpoint, code: result.error?.code ?? 'SY_WEBHOOK_DELIVERY_FAILED' });
    this.attemptDuration.observe({ endpoint }, result.latencyMs / 1000);
  }

  /** Sets the breaker gauge: 1 for `state`, 0 for the other states. */
  setBreakerState(endpoint: string, state: BreakerState): void {
    for (const s of BREAKER_STATES) this.breakerState.set({ endpoint, state: s }, s === state ? 1 : 0);
  }
}
