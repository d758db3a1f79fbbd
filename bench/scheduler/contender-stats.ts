/** What each contender process reports (one JSON line on stdout). */
export interface ContenderResult {
  readonly contender: string;
  readonly jobs: number;
  readonly rounds: number;
  readonly fired: number;
  readonly duplicates: number;
  /** Tick (scheduled time) to firing, ms. */
  readonly lagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Peak resident set size of the contender process, MiB (sampled every 250 ms). */
  readonly peakRssMiB: number;
  /** What "firing" means for this contender. */
  readonly measuredAt: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Samples the process's RSS until stopped; returns the peak in MiB. */
export function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 250);
  return () => {
    clearInterval(timer);
    return Math.round((Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024) * 10) / 10;
  };
}

export function summarize(contender: string, jobs: number, rounds: number, lags: readonly number[], duplicates: number, peakRssMiB: number, measuredAt: string): ContenderResult {
  const sorted = [...lags].sort((a, b) => a - b);
  return { contender, jobs, rounds, fired: lags.length, duplicates, lagMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN }, peakRssMiB, measuredAt };
}
