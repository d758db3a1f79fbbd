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
  /** counter; endpoint, outcome (succeeded|failed|timeout|throttled|gone|refused): webhook delivery attempts */
  webhookAttempts: 'switchyard_webhook_attempts_total',
  /** counter; endpoint: webhook deliveries answered 2xx */
  webhookSuccesses: 'switchyard_webhook_successes_total',
  /** counter; endpoint, code (SY_WEBHOOK_*): webhook attempts that did not succeed */
  webhookFailures: 'switchyard_webhook_failures_total',
  /** histogram (seconds); endpoint: one webhook attempt, from the SSRF check to the last byte read */
  webhookAttemptDuration: 'switchyard_webhook_attempt_duration_seconds',
  /** gauge; endpoint, state (closed|open|half-open): 1 for the breaker's current state, 0 for the others */
  webhookBreakerState: 'switchyard_webhook_breaker_state',
  /** gauge: browser streams (SSE, WebSocket, long polls) attached to this gateway instance */
  realtimeClients: 'switchyard_realtime_clients',
  /** counter; resumed (true|false): streams attached, resumed ones from a Last-Event-ID */
  realtimeConnections: 'switchyard_realtime_connections_total',
  /** counter; reason (slow-client|rate-limited|resume-failed|shutdown): streams the hub dropped */
  realtimeDrops: 'switchyard_realtime_clients_dropped_total',
  /** counter: records the live reader handed to the clients (task status changes and events) */
  realtimeRecords: 'switchyard_realtime_records_total',
});
