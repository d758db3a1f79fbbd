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
  /** counter; event, lane */
  eventsPublished: 'switchyard_events_published_total',
  /** counter; subscription, event, outcome (completed|failed|skipped|dead|undecodable) */
  eventsConsumed: 'switchyard_events_consumed_total',
  /** counter; subscription, handler, status (success|failed|timeout) */
  eventHandlerRuns: 'switchyard_event_handler_runs_total',
  /** histogram (seconds); subscription, handler */
  eventHandlerDuration: 'switchyard_event_handler_duration_seconds',
  /** counter; route, outcome (routed|skipped|undecodable) */
  eventsRouted: 'switchyard_events_routed_total',
  /** counter; scheduler, job, trigger (schedule|misfire|manual) */
  schedulerTicksFired: 'switchyard_scheduler_ticks_fired_total',
  /** counter; scheduler, job, outcome (fired|skipped): ticks that fell in downtime */
  schedulerMisfires: 'switchyard_scheduler_misfires_total',
  /** histogram (seconds); scheduler: fired at minus the tick's scheduled time */
  schedulerFiringLag: 'switchyard_scheduler_firing_lag_seconds',
  /** counter; scheduler, job, status (failed|timeout): fired tasks that ended badly */
  schedulerJobFailures: 'switchyard_scheduler_job_failures_total',
});
