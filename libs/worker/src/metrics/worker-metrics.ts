import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';
import { CollectedCounts } from '@switchyard/pipeline';

export type TaskOutcomeLabel = 'succeeded' | 'retried' | 'dead' | 'parked' | 'cancelled';

/**
 * Prometheus metrics of one worker (names from the catalog in libs/kafka). Pass a registry to
 * share one /metrics endpoint between components; by default the worker has its own.
 */
export class WorkerMetrics {
  readonly registry: Registry;
  /** Outcomes counted by {@link countProcessed} since the last collection, by label set. */
  readonly #processed = new CollectedCounts<'queue' | 'lane' | 'type' | 'outcome'>(['queue', 'lane', 'type', 'outcome']);
  /** Attempts running now per queue, counted by {@link attemptStarted} / {@link attemptEnded}. */
  readonly #inFlight = new Map<string, number>();
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
      collect: () => this.#processed.flush(this.processed),
    });
    this.duration = new Histogram({
      name: METRICS.taskDuration,
      help: 'Handler duration per attempt, seconds',
      labelNames: ['queue', 'lane', 'type'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    });
    const inFlight = this.#inFlight;
    this.inFlight = new Gauge({
      name: METRICS.tasksInFlight,
      help: 'Tasks running now',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        for (const [queue, running] of inFlight) this.set({ queue }, running);
      },
    });
    this.lag = new Gauge({
      name: METRICS.consumerLag,
      help: 'Records between the fetch position and the end of the partition',
      labelNames: ['topic', 'partition', 'group'],
      registers: [registry],
    });
  }

  /**
   * Counts one outcome in {@link processed}. The hot path: counts gather in a map and reach the
   * counter when it is collected (a scrape, `get()`), not one label lookup per task.
   */
  countProcessed(queue: string, lane: string, type: string, outcome: string): void {
    this.#processed.add({ queue, lane, type, outcome });
  }

  /** One more attempt running in `queue` ({@link inFlight}, set when collected). */
  attemptStarted(queue: string): void {
    this.#inFlight.set(queue, (this.#inFlight.get(queue) ?? 0) + 1);
  }

  /** One attempt of `queue` ended. */
  attemptEnded(queue: string): void {
    this.#inFlight.set(queue, (this.#inFlight.get(queue) ?? 1) - 1);
  }

}
