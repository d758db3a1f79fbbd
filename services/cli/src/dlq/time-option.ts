import { parseDateTimeMs, parseDurationMs } from '@switchyard/ops';

/** The expected form, for error messages. */
export const TIME_FORM = 'an ISO date (2024-05-01 or 2024-05-01T10:00:00Z) or a duration before now (45s, 30m, 2h, 7d, PT2H)';

/**
 * Milliseconds since epoch of `value`, or undefined when it is neither an ISO date nor a
 * duration before `now` (the shared parser of format/time-spec.ts).
 */
export function parseTimePoint(value: string, now: number = Date.now()): number | undefined {
  const duration = parseDurationMs(value);
  return duration !== undefined ? now - duration : parseDateTimeMs(value);
}
