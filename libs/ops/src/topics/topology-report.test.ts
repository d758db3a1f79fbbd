import { describe, expect, it } from 'vitest';
import { formatRetention, groupByQueue, lagOf } from './topology-report.js';

describe('groupByQueue', () => {
  const topics = [
    'tasks.b.dlq',
    'tasks.a.retry.1h',
    'tasks.a.normal',
    'tasks.a.status',
    'tasks.a.retry.1s',
    'tasks.a.critical',
    'tasks.a.dlq',
    'tasks.a.dlq-redriven',
    'events.user',
    '__consumer_offsets',
  ];

  it('groups task topics by queue in lane, tier, dlq, status order, with the marker topic last', () => {
    expect([...groupByQueue(topics)]).toEqual([
      ['a', ['tasks.a.critical', 'tasks.a.normal', 'tasks.a.retry.1s', 'tasks.a.retry.1h', 'tasks.a.dlq', 'tasks.a.status', 'tasks.a.dlq-redriven']],
      ['b', ['tasks.b.dlq']],
    ]);
  });

  it('keeps only the queue asked for', () => {
    expect([...groupByQueue(topics, 'b').keys()]).toEqual(['b']);
  });

  it("adds a queue's named DLQ (QueueConfig.deadLetterQueue) when the topic exists", () => {
    const named = new Map([['b', 'b-dead-letters'], ['a', 'missing-topic'], ['gone', 'tasks.b.dlq']]);
    const grouped = groupByQueue([...topics, 'b-dead-letters'], undefined, named);
    expect(grouped.get('b')).toEqual(['tasks.b.dlq', 'b-dead-letters']);
    expect(grouped.get('a')).not.toContain('missing-topic');
    expect(grouped.has('gone')).toBe(false);
  });
});

describe('lagOf', () => {
  const offsets = [
    { partition: 0, low: '0', high: '10' },
    { partition: 1, low: '5', high: '8' },
  ];

  it('counts from the committed offset, or from low where the group has none', () => {
    expect(lagOf(offsets, [{ topic: 't', partition: 0, offset: '7' }])).toBe(3 + 3);
  });

  it('is null when the group committed nothing on the topic', () => {
    expect(lagOf(offsets, [{ topic: 't', partition: 0, offset: '-1' }])).toBeNull();
  });
});

describe('formatRetention', () => {
  it.each([
    ['604800000', '7d'],
    ['3600000', '1h'],
    ['90000', '90s'],
    ['1500', '1500ms'],
    ['-1', 'forever'],
    [null, '-'],
  ])('%s -> %s', (ms, text) => {
    expect(formatRetention(ms)).toBe(text);
  });
});
