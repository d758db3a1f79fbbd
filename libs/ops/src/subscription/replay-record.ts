/**
 * What a record written to a subscription's replay topic (`switchyard.subscription.<sub>.replay`)
 * carries: the event as it was (key, value, CloudEvents headers) without the bookkeeping of an
 * earlier delivery, so the subscription runs it as a fresh event with a fresh attempt count.
 * Used by `dlq redrive --subscription` and `replay --subscription`. Pure: no I/O.
 */
import { DLQ_HEADERS, EVENT_HEADERS, type HeaderValue } from '@switchyard/kafka';

/**
 * Headers of an earlier delivery that must not reach the replay topic: the dead-letter part and
 * the per-attempt retry state (a replayed event starts at attempt 0, for every handler).
 */
const DELIVERY_HEADERS: ReadonlySet<string> = new Set([
  ...Object.values(DLQ_HEADERS),
  EVENT_HEADERS.attempt,
  EVENT_HEADERS.handler,
  EVENT_HEADERS.notBefore,
  EVENT_HEADERS.firstFailureAt,
]);

/**
 * Handler ids of `--handlers a,b`: trimmed, without duplicates; undefined when the list is
 * empty or an id is blank (the caller reports the flag).
 */
export function parseHandlerList(text: string): string[] | undefined {
  const ids = text.split(',').map((id) => id.trim());
  if (ids.length === 0 || ids.some((id) => id.length === 0)) return undefined;
  return [...new Set(ids)];
}

/**
 * The headers of `headers` fit for the replay topic: without `sy-dlq-*`, `sy-event-attempt`,
 * `sy-event-handler`, `sy-event-not-before` and `sy-event-first-failure-at`; with
 * `sy-event-target-handlers` set to `targetHandlers` (comma-separated), or removed when none are
 * given (absent = every matching handler of the subscription runs).
 */
export function replayTopicHeaders<V extends HeaderValue>(headers: Readonly<Record<string, V>>, targetHandlers?: readonly string[]): Record<string, V | string> {
  const kept: Record<string, V | string> = {};
  for (const [name, value] of Object.entries(headers)) if (!DELIVERY_HEADERS.has(name) && name !== EVENT_HEADERS.targetHandlers) kept[name] = value;
  if (targetHandlers !== undefined && targetHandlers.length > 0) kept[EVENT_HEADERS.targetHandlers] = targetHandlers.join(',');
  return kept;
}
