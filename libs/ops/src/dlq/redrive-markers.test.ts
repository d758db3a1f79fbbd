import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '@switchyard/kafka';
import { longestRetention, markerRecord, partitionOffsetKey, stateOf, topicPartitionOffsetKey, type DlqMarker } from './redrive-markers.js';

const record: IncomingRecord = { topic: 'events.user.dlq.mailer', partition: 1, offset: '42', key: null, value: null, headers: {}, timestamp: '1714557600000' };

describe('markers', () => {
  it("key a queue's entries by partition/offset and a subscription's by topic/partition/offset", () => {
    expect(partitionOffsetKey(record)).toBe('1/42');
    expect(topicPartitionOffsetKey(record)).toBe('events.user.dlq.mailer/1/42');
  });

  it('name the task or the event, and where it went', () => {
    const marker = markerRecord({ kind: 'subscription', record, id: 'e1' }, topicPartitionOffsetKey, 'redriven', '2024-05-02T00:00:00Z', 'switchyard.subscription.mailer.replay');
    expect(marker.key).toBe('events.user.dlq.mailer/1/42');
    expect(JSON.parse(String(marker.value))).toEqual({ format: 'dlq-marker.v1', action: 'redriven', at: '2024-05-02T00:00:00Z', recordTimestamp: '1714557600000', eventId: 'e1', to: 'switchyard.subscription.mailer.replay' });
    expect(JSON.parse(String(markerRecord({ kind: 'queue', record, id: 't1' }, partitionOffsetKey, 'purged', 'now').value))).toMatchObject({ taskId: 't1', action: 'purged' });
  });

  it('apply only to the record with the same key and timestamp', () => {
    const marker: DlqMarker = { format: 'dlq-marker.v1', action: 'redriven', at: 'now', recordTimestamp: record.timestamp };
    const markers = new Map([[topicPartitionOffsetKey(record), marker]]);
    expect(stateOf(record, markers, topicPartitionOffsetKey)).toBe('redriven');
    expect(stateOf({ ...record, topic: 'events.order.dlq.mailer' }, markers, topicPartitionOffsetKey)).toBe('dead');
    expect(stateOf({ ...record, timestamp: '1' }, markers, topicPartitionOffsetKey)).toBe('dead');
  });
});

describe('longestRetention', () => {
  it('keeps the longest, forever (-1) winning, and nothing when no DLQ sets one', () => {
    expect(longestRetention(['86400000', '604800000'])).toBe('604800000');
    expect(longestRetention(['86400000', '-1'])).toBe('-1');
    expect(longestRetention([undefined, '5000'])).toBe('5000');
    expect(longestRetention([undefined])).toBeUndefined();
  });
});
