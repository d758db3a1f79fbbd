import { describe, expect, it } from 'vitest';
import { planFiring } from './misfire-plan.js';

const due = [1_000, 2_000, 3_000, 4_000, 9_800];
const now = 10_000;

describe('planFiring', () => {
  it('fires on-time ticks whatever the policy', () => {
    for (const policy of ['fire_once', 'skip', 'fire_all'] as const) {
      const plan = planFiring([9_900], now, { policy, thresholdMs: 1_000, maxCatchUp: 10 });
      expect(plan).toEqual({ fire: [{ tick: 9_900, late: false }], skipped: 0, late: 0, lastTick: 9_900 });
    }
  });

  it('fire_all fires every misfire up to maxCatchUp, the most recent ones', () => {
    expect(planFiring(due, now, { policy: 'fire_all', thresholdMs: 1_000, maxCatchUp: 10 }).fire.map((t) => t.tick)).toEqual(due);
    const bounded = planFiring(due, now, { policy: 'fire_all', thresholdMs: 1_000, maxCatchUp: 2 });
    expect(bounded.fire).toEqual([{ tick: 3_000, late: true }, { tick: 4_000, late: true }, { tick: 9_800, late: false }]);
    expect(bounded.skipped).toBe(2);
    expect(bounded.late).toBe(4);
  });

  it('fire_once fires one execution for all misfires (the newest)', () => {
    const plan = planFiring(due, now, { policy: 'fire_once', thresholdMs: 1_000, maxCatchUp: 10 });
    expect(plan.fire).toEqual([{ tick: 4_000, late: true }, { tick: 9_800, late: false }]);
    expect(plan.skipped).toBe(3);
  });

  it('skip fires no misfire but records the newest due tick as handled', () => {
    const plan = planFiring([1_000, 2_000], now, { policy: 'skip', thresholdMs: 1_000, maxCatchUp: 10 });
    expect(plan).toEqual({ fire: [], skipped: 2, late: 2, lastTick: 2_000 });
  });
});
