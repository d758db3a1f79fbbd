import { describe, expect, it } from 'vitest';
import type { DlqEntry } from './dlq-entry.js';
import { findDlqEntries } from './dlq-lookup.js';

/** Only the fields the lookup reads. */
const entry = (id: string, topic: string, partition: number, offset: string) => ({ id, record: { topic, partition, offset } }) as unknown as DlqEntry;

describe('findDlqEntries', () => {
  const all = [entry('t1', 'tasks.q.dlq', 0, '4'), entry('t2', 'tasks.q.dlq', 1, '4'), entry('t1', 'tasks.q.dlq', 0, '9')];

  it('finds every death of an id, oldest first, or the entry at coordinates', () => {
    expect(findDlqEntries(all, { id: 't1' }).map((e) => e.record.offset)).toEqual(['4', '9']);
    expect(findDlqEntries(all, { partition: 1, offset: '4' }).map((e) => e.id)).toEqual(['t2']);
    expect(findDlqEntries(all, { id: 'nope' })).toEqual([]);
  });

  it('refuses coordinates that name entries of several DLQ topics (SY_INVALID_ARGUMENT)', () => {
    const twoDomains = [entry('e1', 'events.user.dlq.crm', 0, '3'), entry('e2', 'events.order.dlq.crm', 0, '3')];
    expect(() => findDlqEntries(twoDomains, { partition: 0, offset: '3' })).toThrow(expect.objectContaining({ code: 'SY_INVALID_ARGUMENT', message: expect.stringContaining('2 DLQs') }));
  });
});
