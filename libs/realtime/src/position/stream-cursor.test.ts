import { describe, expect, it } from 'vitest';
import { StreamCursor } from './stream-cursor.js';

describe('StreamCursor', () => {
  it('round-trips through its base64url id', () => {
    const cursor = new StreamCursor();
    cursor.advance('tasks.q.status', 0, 12n);
    cursor.advance('tasks.q.status', 2, 3n);
    cursor.advance('events.shop', 0, 7n);
    const id = cursor.encode();
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = StreamCursor.decode(id, 'headers.last-event-id');
    expect([...back.entries()].sort()).toEqual([...cursor.entries()].sort());
    expect(back.next('tasks.q.status', 1)).toBeUndefined();
  });

  it('only moves forward, and tells which offsets are unseen', () => {
    const cursor = new StreamCursor();
    cursor.advance('t', 0, 5n);
    cursor.advance('t', 0, 3n);
    expect(cursor.next('t', 0)).toBe(5n);
    expect([cursor.isAhead('t', 0, 4n), cursor.isAhead('t', 0, 5n), cursor.isAhead('t', 1, 0n)]).toEqual([false, true, true]);
  });

  it('refuses ids it did not write, naming the field', () => {
    for (const id of ['not base64!', Buffer.from('{').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[["t",[-5]]]').toString('base64url'), Buffer.from('[["t",["1"]]]').toString('base64url')]) {
      expect(() => StreamCursor.decode(id, 'query.lastEventId'), id).toThrow(expect.objectContaining({ code: 'SY_INVALID_ARGUMENT', message: expect.stringMatching(/^query\.lastEventId: /) }));
    }
  });
});
