import { describe, expect, it } from 'vitest';
import { concurrentTransactionsRetryDelayMs } from './concurrent-transactions.js';

describe('concurrentTransactionsRetryDelayMs', () => {
  it('doubles from 1 ms to a 20 ms cap, then falls back to the slow delay after 14 quick retries', () => {
    const delays = Array.from({ length: 16 }, (_, attempt) => concurrentTransactionsRetryDelayMs(attempt, 250));
    expect(delays).toEqual([1, 2, 4, 8, 16, 20, 20, 20, 20, 20, 20, 20, 20, 20, 250, 250]);
    // The quick retries cover about 200 ms of markers being written before the slow pauses start.
    expect(delays.slice(0, 14).reduce((a, b) => a + b, 0)).toBe(211);
  });
});
