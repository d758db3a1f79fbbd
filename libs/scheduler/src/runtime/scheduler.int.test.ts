import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { setupScheduler } from '../scheduler.test-support.js';

describe('scheduler (one process, real broker)', () => {
  it('fires every tick of interval and cron jobs exactly once, anchored to the schedule; a disabled job never fires; pause stops it', async () => {
    const s = await setupScheduler();
    const target = { kind: 'task', queue: s.queue } as const;
    const every = await s.store.create({ id: 'every-half', name: 'every_half', handler: 'tick_task', schedule: { type: 'interval', intervalMs: 500 }, target });
    await s.store.create({ id: 'each-second', name: 'each_second', handler: 'tick_task', schedule: { type: 'cron', expression: '* * * * * *' }, target });
    await s.store.create({ id: 'off', name: 'off', handler: 'tick_task', enabled: false, schedule: { type: 'interval', intervalMs: 200 }, target });
    await s.startScheduler();

    await vi.waitFor(() => {
      expect(s.fired('every-half').length).toBeGreaterThanOrEqual(8);
      expect(s.fired('each-second').length).toBeGreaterThanOrEqual(4);
    }, { timeout: 60_000, interval: 100 });
    await s.store.pause('every-half');
    await s.store.pause('each-second');

    const created = Date.parse(every.createdAt);
    const half = s.fired('every-half').map((f) => f.tick);
    expect(new Set(half).size).toBe(half.length); // no tick twice
    expect(half[0]).toBeGreaterThan(created);
    half.forEach((t, i) => expect(t).toBe(half[0]! + i * 500)); // none missing, all on the anchor's grid
    expect((half[0]! - created) % 500).toBe(0);
    const seconds = s.fired('each-second').map((f) => f.tick);
    expect(new Set(seconds).size).toBe(seconds.length);
    seconds.forEach((t, i) => expect(t).toBe(seconds[0]! + i * 1_000));
    expect(seconds[0]! % 1_000).toBe(0);
    expect(s.fired('off')).toEqual([]);

    const list = await s.store.list();
    expect(list.map((v) => [v.job.id, v.job.enabled])).toEqual([['each-second', false], ['every-half', false], ['off', false]]);
    expect(list.find((v) => v.job.id === 'every-half')?.lastTick).toBeDefined();
  });

  it('applies each misfire policy to the ticks that fell in an outage (6 s here; the policy logic is the same for 30 s)', async () => {
    const s = await setupScheduler();
    const job = (id: string, policy: 'fire_all' | 'fire_once' | 'skip') =>
      s.store.create({ id, name: id.replace(/-/g, '_'), handler: 'tick_task', schedule: { type: 'interval', intervalMs: 1_000 }, misfire: { policy, thresholdMs: 1_000, maxCatchUp: 100 }, target: { kind: 'task', queue: s.queue } });
    await Promise.all([job('all', 'fire_all'), job('once', 'fire_once'), job('skip', 'skip')]);
    const first = await s.startScheduler();
    await vi.waitFor(() => ['all', 'once', 'skip'].forEach((id) => expect(s.fired(id).length).toBeGreaterThanOrEqual(2)), { timeout: 60_000, interval: 100 });
    await first.close();
    const before = Object.fromEntries(['all', 'once', 'skip'].map((id) => [id, Math.max(...s.fired(id).map((f) => f.tick))]));
    await sleep(6_000); // the outage itself: no scheduler runs while these ticks fall due
    const restartedAt = Date.now();
    await s.startScheduler();
    // Every job fires again on time after the restart.
    await vi.waitFor(() => ['all', 'once', 'skip'].forEach((id) => expect(s.fired(id).filter((f) => f.trigger === 'schedule' && f.tick > restartedAt + 500).length).toBeGreaterThanOrEqual(2)), {
      timeout: 60_000,
      interval: 100,
    });

    for (const id of ['all', 'once', 'skip']) {
      const ticks = s.fired(id).map((f) => f.tick);
      expect(new Set(ticks).size, `${id}: no tick fired twice`).toBe(ticks.length);
    }
    const all = s.fired('all').map((f) => f.tick);
    all.forEach((t, i) => expect(t).toBe(all[0]! + i * 1_000)); // fire_all: nothing missing
    // Ticks due in the outage: at least 5 s of them are over the 1 s threshold when the restart fires.
    expect(s.fired('all').filter((f) => f.trigger === 'misfire').length).toBeGreaterThanOrEqual(4);

    const onceLate = s.fired('once').filter((f) => f.trigger === 'misfire');
    expect(onceLate.length).toBe(1); // fire_once: one execution for the whole outage
    const onceAfter = s.fired('once').filter((f) => f.tick > before.once!).map((f) => f.tick);
    expect(onceAfter[0]).toBe(onceLate[0]!.tick);
    expect(onceAfter[0]! - before.once!).toBeGreaterThanOrEqual(4_000); // the (3 or more) ticks before it were skipped

    expect(s.fired('skip').filter((f) => f.trigger === 'misfire')).toEqual([]); // skip: none
    const skipAfter = s.fired('skip').filter((f) => f.tick > before.skip!).map((f) => f.tick);
    expect(skipAfter[0]! - before.skip!).toBeGreaterThanOrEqual(4_000);
  });

  it('refuses an invalid expression or time zone with an error naming the field, and an unknown job', async () => {
    const s = await setupScheduler(1);
    const base = { id: 'bad', name: 'bad', handler: 'tick_task', target: { kind: 'task', queue: s.queue } } as const;
    await expect(s.store.create({ ...base, schedule: { type: 'cron', expression: '*/x * * * *' } })).rejects.toMatchObject({ code: 'SY_INVALID_JOB', message: expect.stringContaining('job.schedule.expression') });
    await expect(s.store.create({ ...base, schedule: { type: 'cron', expression: '0 * * * *', timezone: 'Europe/Atlantis' } })).rejects.toMatchObject({ code: 'SY_INVALID_JOB', message: expect.stringContaining('job.schedule.timezone') });
    await expect(s.store.pause('nope')).rejects.toMatchObject({ code: 'SY_UNKNOWN_JOB' });
  });
});
