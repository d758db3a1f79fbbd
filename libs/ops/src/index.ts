/**
 * @switchyard/ops: the operator engine (replay, DLQ browse/redrive/purge, consumer-group offsets,
 * the topology report, task-status reads). Front ends (the `switchyard` CLI, the gateway) parse
 * their input, call these and format the output; the engine never prints and fails with
 * SwitchyardError codes (SY_INVALID_ARGUMENT, SY_NOTHING_MATCHED, SY_OPERATION_REFUSED,
 * SY_OPERATION_INTERRUPTED, SY_KAFKA_UNAVAILABLE).
 */
export { opsError, type OpsErrorCode } from './ops-error.js';
export { parseDateTimeMs, parseDurationFlag, parseDurationMs, parseInstant } from './time/time-spec.js';

// Replay: options -> plan -> runner (range copier, pacer, filter, writer lanes / threads) -> stats.
export { parseReplayOptions, replayIdOf, type OffsetRange, type ReplayFlags, type ReplayOptions, type ReplaySelection } from './replay/replay.options.js';
export { remainingOffsets, resolveReplayPlan, type PartitionRange, type ReplayPlan } from './replay/replay-plan.js';
export { runReplay, type ReplayResult, type ReplayRunHooks } from './replay/replay-runner.js';
export { ReplayStats, type PartitionCounts } from './replay/replay-stats.js';
export { buildRecordFilter, globToRegExp, type RecordFilterSpec, type RecordPredicate } from './replay/record-filter.js';

// Event-bus subscriptions as replay and DLQ sources.
export { domainOf, ensureSubscriptionReplayTopic, isSubscriptionName, requireKnownSubscription, SUBSCRIPTION_FORM } from './subscription/subscription-topics.js';

// DLQ: source -> loader (entries + redrive markers) -> writer (throttled, chunked transactions).
export { byDeathTime, coordinates, entryFilter, entryJson, taskMetadataOfEntry, toDlqEntry, type DlqEntry, type DlqEntryJson, type DlqEntryState, type DlqFilter, type DlqKind } from './dlq/dlq-entry.js';
export { resolveDlqSource, type DlqSource, type DlqSourceSpec } from './dlq/dlq-source.js';
export { loadDlq, type LoadedDlq } from './dlq/dlq-loader.js';
export { findDlqEntries, type DlqEntryTarget } from './dlq/dlq-lookup.js';
export { DlqWriter, type Progress, type WriteOptions } from './dlq/dlq-writer.js';
export { purgeDlq, redriveDlq, type ProgressFactory, type PurgeOptions, type RedriveOutcome, type RedriveRequest } from './dlq/dlq-redrive.js';
export { ensureMarkerTopic, markerRecord } from './dlq/redrive-markers.js';
export { queuesIn, registeredDlqs, requireQueue } from './dlq/queue-lookup.js';
export { subscriptionDlqRedrivenTopic } from './dlq/subscription-dlq.names.js';

// Offsets of consumer groups: read, plan a reset, apply it (refused while the group has members).
export { applyGroupReset, planGroupReset, readGroupOffsets, requireInactiveGroup, resetGroupOffsets, type GroupPartitionOffsets, type GroupResetRequest, type TopicResetPlan } from './offsets/group-offsets.js';
export { resetStrategyOf, type ResetFlags, type ResetStrategy } from './offsets/reset-plan.js';

// Topology report and task status.
export { buildReport, formatRetention, groupByQueue, type QueueReport, type TopicRow } from './topics/topology-report.js';
export { TaskStatusViews, type TaskStatusViewsOptions } from './tasks/task-status.js';
export { TaskStatusView, type TaskStatusViewOptions } from './tasks/task-status-view.js';
