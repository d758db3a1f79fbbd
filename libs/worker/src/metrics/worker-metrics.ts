import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';

export type TaskOutcomeLabel = 'succeeded' | 'retried' | 'dead' | 'parked' | 'cancelled';

/**
 * Prometheus metrics of one worker (names from the catalog in libs/kafka). Pass a registry to
 * share one /metrics endpoint between components; by default the worker has its own.
 */
export class WorkerMetrics {
  readonly registry: Registry;
  readonly processed: Counter<'queue' | 'lane' | 'type' | 'outcome'>;
  readonly duration: Histogram<'queue' | 'lane' | 'type'>;
  readonly inFlight: Gauge<'queue'>;
  readonly lag: Gauge<'topic' | 'partition' | 'group'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.processed = new Counter({
      name: METRICS.tasksProcessed,
      help: 'Task attempts by outcome: succeeded, retried (failed, moved to a delay tier), dead, parked (behind its key), cancelled',
      labelNames: ['queue', 'lane', 'type', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: METRICS.taskDuration,
      help: 'Handler duration per attempt, seconds',
      labelNames: ['queue', 'lane', 'type'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    });
    this.inFlight = new Gauge({ name: METRICS.tasksInFlight, help: 'Tasks running now', labelNames: ['queue'], registers: [registry] });
    this.lag = new Gauge({
      name: METRICS.consumerLag,
      help: 'Records between the fetch position and the end of the partition',
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
    });
  }
}
