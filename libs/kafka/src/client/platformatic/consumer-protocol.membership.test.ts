import { describe, expect, it } from 'vitest';
import { planReconcile } from './consumer-protocol.membership.js';

const p = (...partitions: number[]) => partitions.map((partition) => ({ topic: 't', partition }));

describe('planReconcile (KIP-848 membership)', () => {
  it('waits while the broker has sent no assignment', () => {
    expect(planReconcile(undefined, null, 0)).toEqual({});
    expect(planReconcile(undefined, null, 3)).toEqual({});
  });

  it('hands over the first assignment, even an empty one (the join listeners learn the member is idle)', () => {
    expect(planReconcile(undefined, p(0, 1), 1)).toEqual({ assign: p(0, 1) });
    expect(planReconcile(undefined, [], 1)).toEqual({ assign: [] });
  });

  it('does nothing while the assignment is the same set, whatever the order or epoch', () => {
    expect(planReconcile(p(0, 1), p(1, 0), 7)).toEqual({});
    expect(planReconcile([], [], 7)).toEqual({});
  });

  it('revokes everything handed out before acknowledging a revocation, then assigns what is left', () => {
    expect(planReconcile(p(0, 1), p(0), 2)).toEqual({ revoke: { lost: false }, assign: p(0) });
    expect(planReconcile(p(0, 1), [], 2)).toEqual({ revoke: { lost: false }, assign: [] });
  });

  it('revokes before taking more partitions too, so every position is re-read from committed offsets', () => {
    expect(planReconcile(p(0), p(0, 1), 3)).toEqual({ revoke: { lost: false }, assign: p(0, 1) });
  });

  it('assigns without revoking when nothing is held', () => {
    expect(planReconcile([], p(1), 4)).toEqual({ assign: p(1) });
  });

  it('reports held partitions lost when the library rejoins with epoch 0 (fenced)', () => {
    expect(planReconcile(p(0, 1), [], 0)).toEqual({ revoke: { lost: true } });
    expect(planReconcile(p(0, 1), p(0, 1), 0)).toEqual({ revoke: { lost: true }, assign: p(0, 1) });
    expect(planReconcile([], [], 0)).toEqual({});
  });

  it('leaves the member alone while it leaves the group (epoch -1)', () => {
    expect(planReconcile(p(0), [], -1)).toEqual({});
  });

  it('tells topics apart', () => {
    expect(planReconcile([{ topic: 'a', partition: 0 }], [{ topic: 'b', partition: 0 }], 2)).toEqual({ revoke: { lost: false }, assign: [{ topic: 'b', partition: 0 }] });
  });
});
