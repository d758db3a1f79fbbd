import { SwitchyardError, TaskStatus } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { TASK_STATUS_TRANSITIONS, assertSequence, assertTransition, canTransition, isTerminal } from './task-status.machine.js';

const EXPECTED_EDGES = new Set([
  'pending->queued',
  'pending->cancelled',
  'queued->processing',
  'queued->completed',
  'queued->failed',
  'queued->timeout',
  'queued->dead',
  'queued->cancelled',
  'processing->completed',
  'processing->failed',
  'processing->timeout',
  'processing->dead',
  'processing->cancelled',
  'failed->queued',
  'failed->dead',
  'timeout->queued',
  'timeout->dead',
]);

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('task status machine', () => {
  it('covers every protocol status', () => {
    expect(Object.keys(TASK_STATUS_TRANSITIONS).sort()).toEqual([...TaskStatus.options].sort());
  });

  it('allows exactly the documented transitions (all 64 pairs)', () => {
    const allowed: string[] = [];
    for (const from of TaskStatus.options) {
      for (const to of TaskStatus.options) {
        if (canTransition(from, to)) allowed.push(`${from}->${to}`);
      }
    }
    expect(new Set(allowed)).toEqual(EXPECTED_EDGES);
    expect(allowed).toHaveLength(17);
  });

  it('marks completed, cancelled and dead as terminal only', () => {
    expect(TaskStatus.options.filter(isTerminal).sort()).toEqual(['cancelled', 'completed', 'dead']);
  });

  it('lets a failed or timed-out task be retried or buried, and nothing else', () => {
    expect(canTransition('failed', 'queued')).toBe(true);
    expect(canTransition('timeout', 'dead')).toBe(true);
    expect(canTransition('failed', 'processing')).toBe(false);
    expect(canTransition('failed', 'completed')).toBe(false);
  });

  it('forbids self-transitions', () => {
    for (const s of TaskStatus.options) expect(canTransition(s, s)).toBe(false);
  });

  it('assertTransition passes allowed moves', () => {
    expect(() => assertTransition('queued', 'processing')).not.toThrow();
  });

  it('assertTransition throws SY_INVALID_TASK naming both states and the allowed ones', () => {
    const err = thrown(() => assertTransition('failed', 'completed'));
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as SwitchyardError;
    expect(e.code).toBe('SY_INVALID_TASK');
    expect(e.retriable).toBe(false);
    expect(e.message).toBe(
      'Invalid task status transition from "failed" to "completed": from "failed" a task may only move to "queued", "dead"',
    );
    expect(e.details).toEqual({ from: 'failed', to: 'completed', allowed: ['queued', 'dead'] });
  });

  it('assertTransition says when the source status is terminal', () => {
    const e = thrown(() => assertTransition('dead', 'queued')) as SwitchyardError;
    expect(e.code).toBe('SY_INVALID_TASK');
    expect(e.message).toBe('Invalid task status transition from "dead" to "queued": "dead" is terminal');
  });

  it('rejects unknown statuses arriving from the wire', () => {
    const from = 'toString' as TaskStatus;
    expect(canTransition(from, 'queued')).toBe(false);
    expect(isTerminal(from)).toBe(false);
    const e = thrown(() => assertTransition(from, 'queued')) as SwitchyardError;
    expect(e.code).toBe('SY_INVALID_TASK');
    expect(e.message).toContain('"toString" is not a task status');
    expect(canTransition('pending', 'bogus' as TaskStatus)).toBe(false);
  });

  it('assertSequence: what the producer and the worker write passes; a retry without queued, or a record before queued, does not', () => {
    for (const ok of [
      ['queued', 'completed'],
      ['queued', 'processing', 'completed'],
      ['queued', 'failed', 'queued', 'completed'],
      ['queued', 'processing', 'processing', 'processing', 'completed'],
      ['queued', 'timeout', 'queued', 'processing', 'dead'],
      ['queued', 'failed', 'queued', 'cancelled'],
      [],
    ] as TaskStatus[][]) {
      expect(() => assertSequence(ok), ok.join(' ')).not.toThrow();
    }
    const skipped = thrown(() => assertSequence(['queued', 'failed', 'completed'])) as SwitchyardError;
    expect(skipped.details).toEqual({ from: 'failed', to: 'completed', allowed: ['queued', 'dead'] });
    expect((thrown(() => assertSequence(['queued', 'completed', 'queued'])) as SwitchyardError).message).toContain('"completed" is terminal');
    const early = thrown(() => assertSequence(['completed', 'queued'])) as SwitchyardError;
    expect(early.code).toBe('SY_INVALID_TASK');
    expect(early.message).toBe('A task\'s first status record is "completed": a task starts "pending" or "queued".');
  });

  it('freezes the table', () => {
    expect(Object.isFrozen(TASK_STATUS_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(TASK_STATUS_TRANSITIONS.processing)).toBe(true);
  });
});
