/**
 * @switchyard/pipeline: the one consume pipeline. The machinery every consumer of Switchyard
 * stands on (the worker, event-bus subscriptions and routes): offset tracking, the transactional
 * committer, the keyed executor and the attempt race, priority lanes with their starvation guard,
 * partition pauses, ordered-retry key blocks, backoff and delay tiers, rate and tenant limits, and
 * error info. One public door.
 */
export { OffsetTrackers, PartitionOffsetTracker, type CommittableOffset } from './offsets/offset-tracker.js';
export {
  TransactionalCommitter,
  commitHealth,
  commitStallThresholdMs,
  logUncommitted,
  type CommitState,
  type Outcome as CommitOutcome,
  type TransactionalCommitterOptions,
} from './commit/transactional-committer.js';
export { TrackedOutcome, type TrackedRecord } from './commit/tracked-outcome.js';
export { KeyedExecutor, KeyedExecutorOptionsSchema, type KeyedExecutorOptions } from './execution/keyed-executor.js';
export { raceAttempt, type RaceOptions, type RaceResult } from './execution/attempt-race.js';
export { AttemptGate } from './execution/attempt-gate.js';
export { LaneDispatcher, type LaneDispatcherOptions } from './lanes/lane-dispatcher.js';
export { RoomPauses, TimedPauses } from './pauses/partition-pauses.js';
export { KeyBlocks } from './retry/key-blocks.js';
export { computeBackoffMs, shouldRetry, type RetryDecision, type RetryReason } from './retry/backoff.js';
export { chooseTier, nextHop, tierDueAt, type NextHop } from './retry/retry-tier.js';
export { TokenBucket, TokenBucketOptionsSchema, shareOfLimit, type Clock, type TokenBucketOptions } from './rate/token-bucket.js';
export { TenantLimiter, TenantLimiterOptionsSchema, type TenantLimiterOptions } from './rate/tenant-limiter.js';
export { ERROR_INFO_LIMITS, TRUNCATED_MARK, errorInfo, truncateText, type ErrorInfo } from './errors/error-info.js';
export { Lifecycle, type TransitionTable } from './lifecycle/lifecycle.js';
export { CONSUME_LOOP_TRANSITIONS, consumeLoopLifecycle, type ConsumeLoopState } from './lifecycle/consume-loop.lifecycle.js';
export { longTimeout, settledWithin, timerDelayMs, waitUntil, type LongTimeout } from './timers/long-timeout.js';
export { NextTurn } from './timers/next-turn.js';
export { isoAt, isoNow } from './timers/iso-time.js';
export { CollectedCounts } from './metrics/collected-counts.js';
export { ConsumeLoopRunner, type ConsumeLoopHandlers, type ConsumeLoopRunOptions, type ConsumeLoopRunnerOptions } from './runner/consume-loop-runner.js';
