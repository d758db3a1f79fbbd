/** Prometheus metric names (STYLE.md #3); labels are listed beside each. */
export const METRICS = Object.freeze({
  /** counter; queue, lane, type, outcome (succeeded|retried|dead|parked|cancelled) */
  tasksProcessed: 'switchyard_tasks_processed_total',
  /** histogram (seconds); queue, lane, type */
  taskDuration: 'switchyard_task_duration_seconds',
  /** gauge; queue */
  tasksInFlight: 'switchyard_tasks_in_flight',
  /** gauge; topic, partition, group */
  consumerLag: 'switchyard_consumer_lag',
});
