/** Timing helpers of the worker benchmarks: sleeping, polling with a deadline, percentiles. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A benchmark waited longer than its deadline for a condition. */
export class BenchTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, detail: string) {
    super(`${what}: not reached within ${timeoutMs} ms (${detail})`);
    this.name = 'BenchTimeoutError';
  }
}

export interface WaitOptions {
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Progress shown in the timeout error, e.g. `() => \`${done}/${total}\``. */
  readonly progress?: () => string;
}

/** Polls `condition` every `intervalMs` until it holds; throws BenchTimeoutError at the deadline. */
export async function waitUntil(condition: () => boolean, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new BenchTimeoutError(options.what, options.timeoutMs, options.progress?.() ?? 'no progress info');
    await sleep(options.intervalMs ?? 10);
  }
}

/** Like waitUntil, for a condition that needs I/O. */
export async function waitUntilAsync(condition: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new BenchTimeoutError(options.what, options.timeoutMs, options.progress?.() ?? 'no progress info');
    await sleep(options.intervalMs ?? 10);
  }
}

export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** min / p50 / p95 / p99 / max / mean of a sample, rounded to 0.01. */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A promise limiter: at most `concurrency` functions run at once (FIFO). */
export function createLimiter(concurrency: number): <T>(fn: () => T | Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing function hands its slot straight to the next waiter, so `active` never overshoots.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <T>(fn: () => T | Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
