import { describe, expect, it } from 'vitest';
import { IdempotencyCache, idempotentId } from './idempotency.js';

describe('idempotentId', () => {
  it('is the same for the same credential, route, key and index, and a version-8 UUID', () => {
    const id = idempotentId('key:abc', 'tasks', 'order-42');
    expect(id).toBe(idempotentId('key:abc', 'tasks', 'order-42'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs when any part differs', () => {
    const ids = new Set([
      idempotentId('key:abc', 'tasks', 'order-42'),
      idempotentId('key:abd', 'tasks', 'order-42'),
      idempotentId('key:abc', 'events', 'order-42'),
      idempotentId('key:abc', 'tasks', 'order-43'),
      idempotentId('key:abc', 'tasks', 'order-42', 0),
      idempotentId('key:abc', 'tasks', 'order-42', 1),
    ]);
    expect(ids.size).toBe(6);
  });
});

describe('IdempotencyCache', () => {
  it('recalls the first response for the same body and refuses another body with SY_IDEMPOTENCY_MISMATCH', () => {
    const cache = new IdempotencyCache(10);
    expect(cache.recall('s', { a: 1 })).toBeUndefined();
    cache.remember('s', { a: 1 }, 201, { id: 'x' });
    expect(cache.recall('s', { a: 1 })).toEqual({ bodyHash: expect.any(String), status: 201, response: { id: 'x' } });
    expect(() => cache.recall('s', { a: 2 })).toThrow(expect.objectContaining({ code: 'SY_IDEMPOTENCY_MISMATCH', field: 'headers.idempotency-key' }));
  });

  it('holds at most `capacity` entries, dropping the oldest', () => {
    const cache = new IdempotencyCache(2);
    cache.remember('a', 1, 201, 'A');
    cache.remember('b', 1, 201, 'B');
    cache.remember('c', 1, 201, 'C');
    expect([cache.recall('a', 1), cache.recall('b', 1)?.response, cache.recall('c', 1)?.response]).toEqual([undefined, 'B', 'C']);
  });
});
