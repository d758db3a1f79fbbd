import { isSwitchyardError } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { OffsetTrackers, PartitionOffsetTracker } from './offset-tracker.js';

function trackAll(tracker: PartitionOffsetTracker, offsets: string[]): void {
  for (const o of offsets) tracker.track(o);
}

describe('PartitionOffsetTracker', () => {
  it('has nothing to commit before anything is tracked', () => {
    const t = new PartitionOffsetTracker();
    expect(t.committable()).toBeUndefined();
    expect(t.inFlight).toBe(0);
    expect(t.highestTracked).toBeUndefined();
  });

  it('commits the lowest incomplete offset while records are in flight', () => {
    const t = new PartitionOffsetTracker();
    trackAll(t, ['10', '11', '12', '13']);
    expect(t.committable()).toBe('10');
    t.complete('11');
    t.complete('13');
    expect(t.committable()).toBe('10');
    t.complete('10');
    expect(t.committable()).toBe('12');
    expect(t.inFlight).toBe(1);
  });

  it('commits highest + 1 when everything tracked is complete', () => {
    const t = new PartitionOffsetTracker();
    trackAll(t, ['10', '11', '12']);
    for (const o of ['12', '10', '11']) t.complete(o);
    expect(t.committable()).toBe('13');
    expect(t.inFlight).toBe(0);
    expect(t.highestTracked).toBe('12');
  });

  it('handles gaps in offsets (compaction, transaction markers)', () => {
    const t = new PartitionOffsetTracker();
    trackAll(t, ['5', '9', '20']);
    t.complete('5');
    expect(t.committable()).toBe('9');
    t.complete('20');
    expect(t.committable()).toBe('9');
    t.complete('9');
    expect(t.committable()).toBe('21');
  });

  it('reports nothing new after markCommitted until the watermark moves', () => {
    const t = new PartitionOffsetTracker();
    trackAll(t, ['0', '1', '2']);
    t.complete('0');
    expect(t.committable()).toBe('1');
    t.markCommitted('1');
    expect(t.committable()).toBeUndefined();
    expect(t.lastCommitted).toBe('1');
    t.complete('2');
    expect(t.committable()).toBeUndefined();
    t.complete('1');
    expect(t.committable()).toBe('3');
    t.markCommitted('3');
    expect(t.committable()).toBeUndefined();
    t.track('3');
    expect(t.committable()).toBeUndefined();
    t.complete('3');
    expect(t.committable()).toBe('4');
  });

  it('never moves the committed mark backwards', () => {
    const t = new PartitionOffsetTracker();
    t.markCommitted('50');
    t.markCommitted('40');
    expect(t.lastCommitted).toBe('50');
  });

  it('ignores re-delivered and out-of-order offsets', () => {
    const t = new PartitionOffsetTracker();
    expect(t.track('7')).toBe(true);
    expect(t.track('7')).toBe(false);
    expect(t.track('3')).toBe(false);
    expect(t.inFlight).toBe(1);
    expect(t.committable()).toBe('7');
  });

  it('ignores completing unknown or already completed offsets', () => {
    const t = new PartitionOffsetTracker();
    trackAll(t, ['1', '2']);
    expect(t.complete('99')).toBe(false);
    expect(t.complete('1')).toBe(true);
    expect(t.complete('1')).toBe(false);
    expect(t.inFlight).toBe(1);
    expect(t.committable()).toBe('2');
  });

  it('is exact beyond Number.MAX_SAFE_INTEGER', () => {
    const t = new PartitionOffsetTracker();
    t.track('9007199254740993');
    t.complete('9007199254740993');
    expect(t.committable()).toBe('9007199254740994');
    expect(t.highestTracked).toBe('9007199254740993');
  });

  it('rejects malformed offsets with SY_UNDECODABLE_MESSAGE', () => {
    const t = new PartitionOffsetTracker();
    for (const bad of ['-1', '1.5', 'abc', '', ' 1']) {
      let caught: unknown;
      try {
        t.track(bad);
      } catch (err) {
        caught = err;
      }
      expect(isSwitchyardError(caught) && caught.code).toBe('SY_UNDECODABLE_MESSAGE');
    }
    expect(t.inFlight).toBe(0);
  });

  it('keeps memory bounded by the in-flight window', () => {
    const t = new PartitionOffsetTracker();
    // A sliding window of 50 records in flight over 100k records.
    let maxRetained = 0;
    for (let i = 0; i < 100_000; i++) {
      t.track(String(i));
      if (i >= 50) t.complete(String(i - 50));
      maxRetained = Math.max(maxRetained, t.retained);
    }
    expect(maxRetained).toBe(50);
    expect(t.inFlight).toBe(50);
    expect(t.committable()).toBe('99950');
  });

  it('keeps completed offsets above a stuck record, then drops them all at once', () => {
    const t = new PartitionOffsetTracker();
    for (let i = 0; i < 5000; i++) t.track(String(i));
    for (let i = 1; i < 5000; i++) t.complete(String(i));
    expect(t.retained).toBe(5000);
    expect(t.committable()).toBe('0');
    t.complete('0');
    expect(t.retained).toBe(0);
    expect(t.committable()).toBe('5000');
  });

  it('compacts the hand-out queue when the watermark advances in chunks', () => {
    const t = new PartitionOffsetTracker();
    for (let i = 0; i < 4000; i++) t.track(String(i));
    for (let i = 0; i < 3000; i++) t.complete(String(i));
    expect(t.retained).toBe(1000);
    expect(t.committable()).toBe('3000');
    t.track('4000');
    expect(t.committable()).toBe('3000');
    expect(t.inFlight).toBe(1001);
  });
});

describe('OffsetTrackers', () => {
  it('keeps one tracker per topic-partition', () => {
    const all = new OffsetTrackers();
    const a0 = all.forPartition('tasks.emails.normal', 0);
    expect(all.forPartition('tasks.emails.normal', 0)).toBe(a0);
    expect(all.forPartition('tasks.emails.normal', 1)).not.toBe(a0);
    expect(all.forPartition('tasks.emails.high', 0)).not.toBe(a0);
    expect(all.size).toBe(3);
  });

  it('lists committable offsets of partitions that moved', () => {
    const all = new OffsetTrackers();
    const a = all.forPartition('t', 0);
    const b = all.forPartition('t', 1);
    all.forPartition('u', 0);
    a.track('4');
    a.complete('4');
    b.track('8');
    b.track('9');
    b.complete('9');
    expect(all.inFlight).toBe(1);
    expect(all.committableOffsets()).toEqual([
      { topic: 't', partition: 0, offset: '5' },
      { topic: 't', partition: 1, offset: '8' },
    ]);
    all.markCommitted(all.committableOffsets());
    expect(all.committableOffsets()).toEqual([]);
    b.complete('8');
    expect(all.committableOffsets()).toEqual([{ topic: 't', partition: 1, offset: '10' }]);
  });

  it('forgets revoked partitions and starts fresh when they come back', () => {
    const all = new OffsetTrackers();
    const old = all.forPartition('t', 3);
    old.track('100');
    expect(all.revoke('t', 3)).toBe(true);
    expect(all.revoke('t', 3)).toBe(false);
    expect(all.committableOffsets()).toEqual([]);
    const fresh = all.forPartition('t', 3);
    expect(fresh).not.toBe(old);
    expect(fresh.highestTracked).toBeUndefined();
  });

  it('revoke with `only` leaves the tracker of a later assignment alone (a hand-over that outlasted the rebalance)', () => {
    const all = new OffsetTrackers();
    const old = all.forPartition('t', 3);
    expect(all.revoke('t', 3, old)).toBe(true);
    const next = all.forPartition('t', 3);
    next.track('7');
    expect(all.revoke('t', 3, old)).toBe(false);
    expect(next.revoked).toBe(false);
    expect(all.forPartition('t', 3)).toBe(next);
    expect(all.revoke('t', 3, next)).toBe(true);
    expect(next.revoked).toBe(true);
  });

  it('skips commits for partitions revoked meanwhile', () => {
    const all = new OffsetTrackers();
    all.forPartition('t', 0).track('1');
    all.revoke('t', 0);
    all.markCommitted([{ topic: 't', partition: 0, offset: '2' }]);
    expect(all.size).toBe(0);
  });

  it('counts completed offsets until a commit covers them, including those held behind a lower offset in flight', () => {
    const all = new OffsetTrackers();
    const a = all.forPartition('t', 0);
    const b = all.forPartition('t', 1);
    for (const o of ['10', '11', '12', '13']) a.track(o);
    b.track('5');
    a.complete('11');
    a.complete('13');
    b.complete('5');
    expect(all.completedUncommitted).toBe(3);
    // 10 is still in flight: partition 0 commits nothing, partition 1 commits 6.
    all.markCommitted(all.committableOffsets());
    expect([a.completedUncommitted, b.completedUncommitted]).toEqual([2, 0]);
    a.complete('10');
    expect(a.completedUncommitted).toBe(3);
    // 12 still in flight: the commit covers 10 and 11, not 13.
    all.markCommitted(all.committableOffsets());
    expect(a.lastCommitted).toBe('12');
    expect(a.completedUncommitted).toBe(1);
    a.complete('12');
    all.markCommitted(all.committableOffsets());
    expect(all.completedUncommitted).toBe(0);
  });

  it('drops the completed-uncommitted count of a revoked partition', () => {
    const all = new OffsetTrackers();
    const a = all.forPartition('t', 0);
    a.track('1');
    a.complete('1');
    expect(all.completedUncommitted).toBe(1);
    all.revoke('t', 0);
    expect(all.completedUncommitted).toBe(0);
  });

  it('reset forgets every partition', () => {
    const all = new OffsetTrackers();
    all.forPartition('t', 0).track('1');
    all.forPartition('t', 1).track('1');
    all.reset();
    expect(all.size).toBe(0);
    expect(all.inFlight).toBe(0);
    expect(all.committableOffsets()).toEqual([]);
  });
});
