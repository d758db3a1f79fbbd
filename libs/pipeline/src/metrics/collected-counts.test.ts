import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CollectedCounts } from './collected-counts.js';

function counted() {
  const registry = new Registry();
  const counts = new CollectedCounts<'queue' | 'outcome'>(['queue', 'outcome']);
  const counter = new Counter<'queue' | 'outcome'>({
    name: 'test_outcomes_total',
    help: 'test',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
    collect() {
      counts.flush(this);
    },
  });
  const values = async () => Object.fromEntries((await counter.get()).values.map((v) => [`${v.labels.queue}/${v.labels.outcome}`, v.value]));
  return { counts, values };
}

describe('CollectedCounts', () => {
  it('reaches the counter when it is collected, by label set, and never twice', async () => {
    const { counts, values } = counted();
    counts.add({ queue: 'a', outcome: 'ok' });
    counts.add({ outcome: 'ok', queue: 'a' });
    counts.add({ queue: 'a', outcome: 'dead' }, 3);
    counts.add({ queue: 'b', outcome: 'ok' });
    expect(await values()).toEqual({ 'a/ok': 2, 'a/dead': 3, 'b/ok': 1 });
    expect(await values()).toEqual({ 'a/ok': 2, 'a/dead': 3, 'b/ok': 1 });
    counts.add({ queue: 'b', outcome: 'ok' });
    expect(await values()).toEqual({ 'a/ok': 2, 'a/dead': 3, 'b/ok': 2 });
  });

  it('keeps label sets apart whose values would run together', async () => {
    const { counts, values } = counted();
    counts.add({ queue: 'ab', outcome: 'c' });
    counts.add({ queue: 'a', outcome: 'bc' });
    expect(await values()).toEqual({ 'ab/c': 1, 'a/bc': 1 });
  });

  it('keeps apart label sets that share a prefix of values, and counts added with a number', async () => {
    const { counts, values } = counted();
    counts.add({ queue: 'a', outcome: 'ok' }, 2);
    counts.add({ queue: 'a', outcome: 'dead' });
    counts.add({ queue: 'b', outcome: 'dead' });
    expect(await values()).toEqual({ 'a/ok': 2, 'a/dead': 1, 'b/dead': 1 });
  });

  it('refuses a counter without labels (prom-client counts those itself, cheaply)', () => {
    expect(() => new CollectedCounts<never>([])).toThrow(/at least one label name/);
  });
});
