/**
 * @switchyard/scheduler: cron, interval and one-off jobs stored in a compacted Kafka topic, fired
 * exactly once per tick across scheduler replicas (partition ownership + fenced transactions),
 * with misfire policies, a job log that follows the fired tasks' outcomes, and metrics. One public door.
 */
export { Scheduler, type SchedulerDeps } from './runtime/scheduler.js';
export type { FiredTick } from './runtime/partition-owner.js';
export { JobStore, type JobStoreOptions, type JobView, type RunReceipt } from './store/job-store.js';
export { SchedulerOptionsSchema, SchedulerNameSchema, type SchedulerOptions, type SchedulerOptionsInput } from './scheduler.options.js';
export {
  ScheduledJobSchema,
  JobIdSchema,
  JobTargetSchema,
  TaskTargetSchema,
  EventTargetSchema,
  MisfirePolicySchema,
  type ScheduledJob,
  type ScheduledJobInput,
  type MisfirePolicy,
  type JobTarget,
} from './job/scheduled-job.schema.js';
export { parseJob } from './job/parse-job.js';
export { TickClock } from './schedule/tick-clock.js';
export { planFiring, type FiringPlan, type PlannedTick } from './schedule/misfire-plan.js';
export { foldJobLog, JobTrigger, type JobLogEntry, type JobLogRecord } from './log/job-execution.v1.js';
export { executionIdFor, jobIdOfExecution, type EventPreparer } from './runtime/fire-records.js';
export { planSchedulerTopics, ensureSchedulerTopics } from './store/scheduler-topics.js';
export { SchedulerMetrics } from './metrics/scheduler-metrics.js';
