import { describe, expect, it } from 'vitest';
import { encodeTaskEnvelope, TASK_HEADERS, type TaskEnvelope } from '@switchyard/kafka';
import { asIncoming } from '@switchyard/testing';
import { blockedKeysOf } from './key-block-rebuild.js';

const base: TaskEnvelope = { taskId: 'x', type: 't', queue: 'q', priority: 'normal', attempt: 0, createdAt: '2026-01-01T00:00:00.000Z', payload: {} };

/** A delay-tier record: a retry (attempt > 0), a parked task (behind `parkedBehind`) or a moved one. */
function tierRecord(offset: number, timestamp: number, envelope: Partial<TaskEnvelope>, parkedBehind?: string) {
  const record = encodeTaskEnvelope({ ...base, ...envelope });
  const headers = parkedBehind ? { ...record.headers, [TASK_HEADERS.parkedBehind]: parkedBehind } : record.headers;
  return asIncoming({ ...record, headers, timestamp: String(timestamp) }, 'tasks.q.retry.30s', 1, offset);
}

describe('blockedKeysOf (ordered-retry blocks from the delay tiers)', () => {
  it('a retried task heads its key, parked tasks follow in the order they were parked; the head notBefore is kept', () => {
    const keys = blockedKeysOf([
      tierRecord(7, 300, { taskId: 'after-2', tenant: 'k' }, 'poison'),
      tierRecord(5, 200, { taskId: 'after-1', tenant: 'k' }, 'poison'),
      tierRecord(3, 100, { taskId: 'poison', tenant: 'k', attempt: 1, notBefore: '2026-01-01T00:00:20.000Z' }),
    ]);
    expect(keys).toEqual(new Map([['k', { partition: 1, fifo: ['poison', 'after-1', 'after-2'], headNotBefore: Date.parse('2026-01-01T00:00:20.000Z') }]]));
  });

  it('parked tasks whose head is gone still block their key (the first parked one heads it)', () => {
    const keys = blockedKeysOf([tierRecord(2, 200, { taskId: 'b', orderingKey: 'k' }, 'gone'), tierRecord(1, 100, { taskId: 'a', orderingKey: 'k' }, 'gone')]);
    expect(keys.get('k')?.fifo).toEqual(['a', 'b']);
  });

  it('tasks only moved because not due (attempt 0, not parked), tasks without a key and undecodable records block nothing', () => {
    const undecodable = asIncoming({ value: 'not an envelope' }, 'tasks.q.retry.30s', 1, 9);
    expect(blockedKeysOf([tierRecord(1, 100, { taskId: 'scheduled', tenant: 'k', notBefore: '2026-01-01T00:01:00.000Z' }), tierRecord(2, 100, { taskId: 'no-key', attempt: 1 }), undecodable])).toEqual(new Map());
  });

  it('a task read twice (moved again and not committed) is listed once', () => {
    const keys = blockedKeysOf([tierRecord(1, 100, { taskId: 'h', tenant: 'k', attempt: 1 }), tierRecord(2, 150, { taskId: 'h', tenant: 'k', attempt: 1 })]);
    expect(keys.get('k')?.fifo).toEqual(['h']);
  });
});
