import { describe, expect, it } from 'vitest';
import { BytesMemo } from './bytes-memo.js';

describe('BytesMemo', () => {
  it('finds a value by equal bytes at any offset, and nothing for other bytes of the same length', () => {
    const memo = new BytesMemo<string>({ maxPerLength: 4, maxLength: 16 });
    memo.set(Buffer.from('xxorderyy'), 'order', 2, 5);
    expect(memo.get(Buffer.from('order'))).toBe('order');
    expect(memo.get(Buffer.from('__order'), 2, 5)).toBe('order');
    expect(memo.get(Buffer.from('ordeR'))).toBeUndefined();
    expect(memo.get(Buffer.from('orders'))).toBeUndefined();
    expect(memo.get(Buffer.from('orde'))).toBeUndefined();
  });

  it('keeps a copy: changing the bytes it was given afterwards changes nothing', () => {
    const memo = new BytesMemo<number>({ maxPerLength: 4, maxLength: 16 });
    const bytes = Buffer.from('queue-a');
    memo.set(bytes, 1);
    bytes.write('queue-b');
    expect(memo.get(Buffer.from('queue-a'))).toBe(1);
    expect(memo.get(Buffer.from('queue-b'))).toBeUndefined();
  });

  it('remembers at most maxPerLength values of one length and none longer than maxLength', () => {
    const memo = new BytesMemo<string>({ maxPerLength: 2, maxLength: 4 });
    for (const text of ['aa', 'bb', 'cc', 'ddd', 'eeeee']) memo.set(Buffer.from(text), text);
    expect(['aa', 'bb', 'cc', 'ddd', 'eeeee'].map((t) => memo.get(Buffer.from(t)))).toEqual(['aa', 'bb', undefined, 'ddd', undefined]);
  });
});
