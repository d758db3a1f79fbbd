import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's default Node metrics that break the Prometheus naming rules: gauges named
 * `_total` (a suffix reserved for counters; `promtool check metrics` rejects them). Each one is
 * the sum of the labelled gauge of the same name without `_total`, so nothing is lost:
 * `sum(nodejs_active_handles)` is what `nodejs_active_handles_total` said.
 */
export const NON_CONFORMING_DEFAULT_METRICS = Object.freeze(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']);

/**
 * Registers prom-client's default process and Node.js metrics (CPU, memory, event loop lag, GC,
 * handles by type, ...) on `registry`, without the non-conforming `_total` gauges, so the whole
 * /metrics output passes `promtool check metrics`.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of NON_CONFORMING_DEFAULT_METRICS) registry.removeSingleMetric(name);
}
