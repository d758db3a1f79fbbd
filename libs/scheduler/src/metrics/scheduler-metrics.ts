import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS } from '@switchyard/kafka';

/** Prometheus metrics of a scheduler (names from the catalog). */
export class SchedulerMetrics {
  readonly registry: Registry;
  readonly ticksFired: Counter<'scheduler' | 'job' | 'trigger'>;
  readonly misfires: Counter<'scheduler' | 'job' | 'outcome'>;
  readonly firingLag: Histogram<'scheduler'>;
  readonly failures: Counter<'scheduler' | 'job' | 'status'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.ticksFired = new Counter({ name: METRICS.schedulerTicksFired, help: 'Ticks fired, per job and trigger', labelNames: ['scheduler', 'job', 'trigger'], registers: [registry] });
    this.misfires = new Counter({ name: METRICS.schedulerMisfires, help: 'Ticks that fell in downtime, fired or skipped by the misfire policy', labelNames: ['scheduler', 'job', 'outcome'], registers: [registry] });
    this.firingLag = new Histogram({
      name: METRICS.schedulerFiringLag,
      help: 'Seconds between a tick and the commit of its firing transaction',
      labelNames: ['scheduler'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
    this.failures = new Counter({ name: METRICS.schedulerJobFailures, help: 'Fired tasks that failed (after retries) or timed out, per job', labelNames: ['scheduler', 'job', 'status'], registers: [registry] });
  }
}
