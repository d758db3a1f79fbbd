import { describe, expect, it } from 'vitest';
import { METRICS } from '@switchyard/kafka';
import { promtoolAvailable, promtoolCheckMetrics } from '@switchyard/testing';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { WebhookMetrics } from './webhook-metrics.js';

describe('WebhookMetrics', () => {
  it('counts attempts, successes and failures per endpoint, observes latency, shows the breaker state', async () => {
    const metrics = new WebhookMetrics();
    metrics.observeAttempt('orders', { outcome: 'succeeded', latencyMs: 20 });
    metrics.observeAttempt('orders', { outcome: 'failed', latencyMs: 40, error: { code: 'SY_WEBHOOK_DELIVERY_FAILED', message: 'x', retriable: true } });
    metrics.observeAttempt('users', { outcome: 'timeout', latencyMs: 3000, error: { code: 'SY_WEBHOOK_TIMEOUT', message: 'x', retriable: true } });
    const breaker = new CircuitBreaker({ failureThreshold: 1 }, { onChange: (state) => metrics.setBreakerState('users', state) });
    metrics.setBreakerState('users', breaker.state);
    breaker.record('timeout');

    const text = await metrics.registry.metrics();
    expect(text).toContain(`${METRICS.webhookAttempts}{endpoint="orders",outcome="succeeded"} 1`);
    expect(text).toContain(`${METRICS.webhookAttempts}{endpoint="orders",outcome="failed"} 1`);
    expect(text).toContain(`${METRICS.webhookSuccesses}{endpoint="orders"} 1`);
    expect(text).toContain(`${METRICS.webhookFailures}{endpoint="users",code="SY_WEBHOOK_TIMEOUT"} 1`);
    expect(text).toContain(`${METRICS.webhookAttemptDuration}_count{endpoint="orders"} 2`);
    expect(text).toContain(`${METRICS.webhookAttemptDuration}_sum{endpoint="orders"} 0.06`);
    expect(text).toContain(`${METRICS.webhookBreakerState}{endpoint="users",state="open"} 1`);
    expect(text).toContain(`${METRICS.webhookBreakerState}{endpoint="users",state="closed"} 0`);
  });

  it.skipIf(!promtoolAvailable())('passes promtool check metrics', async () => {
    const metrics = new WebhookMetrics();
    metrics.observeAttempt('orders', { outcome: 'succeeded', latencyMs: 20 });
    metrics.setBreakerState('orders', 'closed');
    expect(promtoolCheckMetrics(await metrics.registry.metrics())).toEqual({ exitCode: 0, output: '' });
  });
});
