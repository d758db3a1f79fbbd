/**
 * ISO-8601 text of a wall-clock millisecond, as `new Date(ms).toISOString()` gives it, remembered
 * for the last millisecond asked: records and results stamp many tasks within one millisecond, and
 * `toISOString` costs ~0.6 µs a call (Node 24) against ~50 ns for `Date.now()`.
 */
let lastMs = Number.NaN;
let lastText = '';

export function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}

/** The ISO-8601 text of now. */
export function isoNow(): string {
  return isoAt(Date.now());
}
