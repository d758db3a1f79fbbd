/**
 * Times and durations as operators type them: an ISO 8601 datetime (`2024-05-01T10:00:00Z`), or a
 * duration meaning "that long ago" (`2h`, `30m`, `1d12h`, ISO `PT2H`, `P1DT6H`). Shared by
 * `replay --from/--to` and `offsets --to-datetime/--by-duration`.
 */
import { opsError } from '../ops-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const SHORT_DURATION = /^(?:(\d+(?:\.\d+)?)(ms|w|d|h|m|s))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g;
const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
/** A calendar date with a time; the zone is optional (then local time, like Kafka's own tool). */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** Milliseconds of a duration (`2h`, `30m`, `1d12h`, `PT2H`, `P1DT6H30M`), or undefined if it is none. */
export function parseDurationMs(text: string): number | undefined {
  const value = text.trim();
  if (SHORT_DURATION.test(value)) {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(SHORT_PART)) total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
    return total;
  }
  const iso = ISO_DURATION.exec(value.toUpperCase());
  if (!iso || value.length <= 1 || value.toUpperCase().endsWith('T')) return undefined;
  const [, w, d, h, m, s] = iso.map((part) => Number(part ?? 0));
  return (w ?? 0) * UNIT_MS.w! + (d ?? 0) * UNIT_MS.d! + (h ?? 0) * UNIT_MS.h! + (m ?? 0) * UNIT_MS.m! + (s ?? 0) * UNIT_MS.s!;
}

/** Epoch milliseconds of an ISO datetime, or undefined if `text` is not one. */
export function parseDateTimeMs(text: string): number | undefined {
  const value = text.trim();
  if (!ISO_DATETIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * An instant given as an ISO datetime or as a duration before `nowMs`. A bad value is a bad-input
 * error naming `option` (an engine option name, written as `` `option` ``: a front end shows its own name for it).
 */
export function parseInstant(text: string, option: string, nowMs: number): number {
  const duration = parseDurationMs(text);
  if (duration !== undefined) return nowMs - duration;
  const at = parseDateTimeMs(text);
  if (at !== undefined) return at;
  throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is neither an ISO datetime nor a duration`, 'Use an ISO datetime such as 2024-05-01T10:00:00Z, or a duration before now such as 2h or P1DT6H.');
}

/** A duration option's value in milliseconds; a bad value is a bad-input error naming `option`. */
export function parseDurationFlag(text: string, option: string): number {
  const duration = parseDurationMs(text);
  if (duration === undefined) throw opsError('SY_INVALID_ARGUMENT', `\`${option}\`: '${text}' is not a duration`, 'Use a duration such as 2h, 30m or P1DT6H.');
  return duration;
}
