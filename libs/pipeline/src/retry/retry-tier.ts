import { RETRY_TIERS } from '@switchyard/kafka';
import type { RetryTier } from '@switchyard/kafka';
import { SwitchyardError } from '@switchyard/protocol';

/**
 * Where a delayed task goes next, given when it may run (`notBeforeMs`) and the current time:
 * - `run`: it is due now.
 * - `wait`: it is due in `ms` (0 < ms < the shortest tier); wait that long in memory, then run.
 * - `tier`: park it in the retry-tier topic `tier` (the longest tier not longer than the
 *   remaining delay). When it comes back, call {@link nextHop} again for the remainder.
 */
export type NextHop =
  | { readonly kind: 'run' }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'tier'; readonly tier: RetryTier };

/**
 * The longest tier whose `delayMs <= remainingMs`, or `undefined` when `remainingMs` is shorter
 * than the shortest tier (the caller then waits the remainder in memory).
 * `tiers` need not be sorted.
 */
export function chooseTier(
  remainingMs: number,
  tiers: readonly RetryTier[] = RETRY_TIERS,
): RetryTier | undefined {
  let best: RetryTier | undefined;
  for (const tier of tiers) {
    if (tier.delayMs <= remainingMs && (best === undefined || tier.delayMs > best.delayMs)) best = tier;
  }
  return best;
}

/**
 * When a record parked in `tier` becomes eligible: its Kafka record timestamp plus the tier's
 * fixed delay. Record timestamps are monotonic per partition, so a tier partition is consumed in
 * due order and the consumer only ever waits for the record at its head.
 */
export function tierDueAt(recordTimestampMs: number, tier: RetryTier): number {
  return recordTimestampMs + tier.delayMs;
}

/**
 * Decides the next hop of a task that must not run before `notBeforeMs` (see {@link NextHop}).
 *
 * **Never early.** A tier is only chosen when its delay fits in the remaining time, and the
 * record's timestamp is taken when it is produced (at or after `nowMs`), so it becomes eligible
 * at or before `notBeforeMs` and is routed again for any remainder; the in-memory wait covers the
 * last stretch below the shortest tier.
 *
 * **Lateness bound.** A task runs late by at most the processing latency (produce, fetch, handler
 * dispatch, summed over its hops) plus the time spent waiting for records ahead of it in the
 * same tier partition (a tier partition is consumed in order, so a slow or paused head delays
 * the records behind it). There is no rounding lateness: the remainder is always re-routed.
 *
 * @throws SwitchyardError `SY_INVALID_TASK` when `notBeforeMs` or `nowMs` is not finite.
 */
export function nextHop(
  notBeforeMs: number,
  nowMs: number,
  tiers: readonly RetryTier[] = RETRY_TIERS,
): NextHop {
  if (!Number.isFinite(notBeforeMs) || !Number.isFinite(nowMs)) {
    throw new SwitchyardError(
      'SY_INVALID_TASK',
      `Cannot schedule a task with notBeforeMs=${String(notBeforeMs)} at nowMs=${String(nowMs)}: both must be finite epoch milliseconds`,
      {
        hint: 'Check the task scheduledAt / retry header; it must be a valid timestamp.',
        details: { notBeforeMs, nowMs },
      },
    );
  }
  const remainingMs = notBeforeMs - nowMs;
  if (remainingMs <= 0) return { kind: 'run' };
  const tier = chooseTier(remainingMs, tiers);
  return tier === undefined ? { kind: 'wait', ms: remainingMs } : { kind: 'tier', tier };
}
