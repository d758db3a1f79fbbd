/**
 * Pauses before retrying CONCURRENT_TRANSACTIONS: the broker still writes the previous
 * transaction's markers (a few ms after EndTxn's answer), so back-to-back transactions meet it
 * often. The producer's usual 250 ms there cost a replay lane 250 ms a time. A flat 20 ms (the
 * cap of Java's producer) still cost the worker's busiest transactions: 12-16% of them met it, and
 * AddOffsetsToTxn's p90 was 21 ms (bench/README.md, 2026-12-07). So the first retries double from
 * 1 ms up to that cap; after CONCURRENT_TRANSACTIONS_QUICK_RETRIES (about 200 ms) they wait
 * `slowDelayMs`, the producer's pause for any other retriable error.
 */
const CONCURRENT_TRANSACTIONS_MAX_QUICK_DELAY_MS = 20;
const CONCURRENT_TRANSACTIONS_QUICK_RETRIES = 14;

/** The pause before the library's retry number `attempt` (from 0) of a call refused with CONCURRENT_TRANSACTIONS. */
export function concurrentTransactionsRetryDelayMs(attempt: number, slowDelayMs: number): number {
  if (attempt >= CONCURRENT_TRANSACTIONS_QUICK_RETRIES) return slowDelayMs;
  return Math.min(CONCURRENT_TRANSACTIONS_MAX_QUICK_DELAY_MS, 2 ** Math.max(0, attempt));
}
