import type { MisfirePolicy } from '../job/scheduled-job.schema.js';

/** One tick to fire now; `late` when it is a misfire (fell in downtime). */
export interface PlannedTick {
  readonly tick: number;
  readonly late: boolean;
}

/** What to do with the ticks that are due. */
export interface FiringPlan {
  /** Ticks to fire now, oldest first. */
  readonly fire: readonly PlannedTick[];
  /** Misfired ticks not fired (skip, fire_once, or beyond fire_all's maxCatchUp). */
  readonly skipped: number;
  /** Misfired ticks (fired or not). */
  readonly late: number;
  /** The newest due tick: recorded as the last handled tick whether it fired or not. */
  readonly lastTick: number | undefined;
}

/**
 * Applies a misfire policy to the due ticks (oldest first, all <= nowMs). A tick due at most
 * `thresholdMs` ago is on time and always fires; older ones are misfires: `fire_all` fires the
 * `maxCatchUp` most recent of them, `fire_once` fires the newest one only, `skip` fires none.
 */
export function planFiring(dueTicks: readonly number[], nowMs: number, misfire: MisfirePolicy): FiringPlan {
  const late = dueTicks.filter((t) => nowMs - t > misfire.thresholdMs);
  const onTime = dueTicks.filter((t) => nowMs - t <= misfire.thresholdMs);
  let firedLate: number[];
  switch (misfire.policy) {
    case 'fire_all':
      firedLate = late.slice(-misfire.maxCatchUp);
      break;
    case 'fire_once':
      firedLate = late.slice(-1);
      break;
    case 'skip':
      firedLate = [];
      break;
  }
  return {
    fire: [...firedLate.map((tick) => ({ tick, late: true })), ...onTime.map((tick) => ({ tick, late: false }))],
    skipped: late.length - firedLate.length,
    late: late.length,
    lastTick: dueTicks.at(-1),
  };
}
