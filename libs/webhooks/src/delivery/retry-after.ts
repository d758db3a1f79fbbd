/** The longest wait a Retry-After can impose by default: one hour (the longest retry tier). */
export const DEFAULT_RETRY_AFTER_CAP_MS = 3_600_000;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`, a past date is 0), capped at `capMs`. Undefined when the
 * header is absent or unreadable (the caller falls back to its backoff).
 */
export function parseRetryAfter(header: string | readonly string[] | undefined, nowMs: number, capMs: number = DEFAULT_RETRY_AFTER_CAP_MS): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(capMs, Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/[a-z]/i.test(value)) return undefined;
  return Math.min(capMs, Math.max(0, at - nowMs));
}
