import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '@switchyard/kafka';
import { replayTopicHeaders } from '../subscription/replay-record.js';
import { replayedRecord } from './range-copier.js';

const record: IncomingRecord = {
  topic: 'events.user',
  partition: 1,
  offset: '42',
  key: Buffer.from('acme'),
  value: Buffer.from('{}'),
  headers: { ce_type: Buffer.from('user.created'), 'sy-event-attempt': Buffer.from('2') },
  timestamp: '0',
};
const at = new Date('2024-05-01T10:00:00Z');

describe('replayedRecord', () => {
  it('keeps the headers and adds where and when it was copied', () => {
    const copy = replayedRecord(record, 'r1', at);
    expect(copy.headers).toMatchObject({ ce_type: record.headers.ce_type, 'sy-event-attempt': record.headers['sy-event-attempt'], 'sy-replay-origin': 'events.user/1/42', 'sy-replayed-at': at.toISOString(), 'sy-replay-id': 'r1' });
  });

  it('starts from the rewritten headers for a subscription target', () => {
    const copy = replayedRecord(record, 'r1', at, (headers) => replayTopicHeaders(headers, ['h1']));
    expect(copy.headers).not.toHaveProperty('sy-event-attempt');
    expect(copy.headers).toMatchObject({ ce_type: record.headers.ce_type, 'sy-event-target-handlers': 'h1', 'sy-replay-origin': 'events.user/1/42' });
  });
});
