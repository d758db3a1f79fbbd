import { describe, expect, it } from 'vitest';
import { parseHandlerList, replayTopicHeaders } from './replay-record.js';

const delivery = {
  ce_type: 'user.created',
  ce_id: 'e1',
  'sy-event-origin': 'events.user/0/7',
  'sy-event-attempt': '3',
  'sy-event-handler': 'h_mail',
  'sy-event-not-before': '2024-05-01T00:00:00Z',
  'sy-event-first-failure-at': '2024-05-01T00:00:00Z',
  'sy-event-target-handlers': 'h_old',
  'sy-dlq-envelope': 'dead-letter.v1',
  'sy-dlq-code': 'SY_EVENT_HANDLER_FAILED',
  'sy-dlq-handler': 'h_mail',
};

describe('replayTopicHeaders', () => {
  it('keeps the event headers and drops the dead-letter part and the retry state of the delivery', () => {
    expect(replayTopicHeaders(delivery, ['h_mail'])).toEqual({ ce_type: 'user.created', ce_id: 'e1', 'sy-event-origin': 'events.user/0/7', 'sy-event-target-handlers': 'h_mail' });
  });

  it('joins several target handlers with commas', () => {
    expect(replayTopicHeaders({ ce_id: 'e1' }, ['a', 'b'])['sy-event-target-handlers']).toBe('a,b');
  });

  it('drops an earlier target when none is given (every matching handler runs)', () => {
    expect(replayTopicHeaders(delivery)).not.toHaveProperty('sy-event-target-handlers');
    expect(replayTopicHeaders(delivery, [])).not.toHaveProperty('sy-event-target-handlers');
  });

  it('keeps header values as they are (bytes stay bytes)', () => {
    const bytes = Buffer.from([0, 1, 2]);
    expect(replayTopicHeaders({ ce_id: bytes })['ce_id']).toBe(bytes);
  });
});

describe('parseHandlerList', () => {
  it('splits on commas, trims and drops duplicates', () => expect(parseHandlerList(' a, b,a ')).toEqual(['a', 'b']));
  it.each(['', 'a,,b', ' , '])('refuses %j', (text) => expect(parseHandlerList(text)).toBeUndefined());
});
