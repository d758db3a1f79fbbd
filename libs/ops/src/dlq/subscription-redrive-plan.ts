/**
 * What redriving a subscription's dead letter writes: the event into the subscription's replay
 * topic (`switchyard.subscription.<sub>.replay`), so only that subscription runs it again, and
 * only the handler that failed. Pure: no I/O.
 */
import { REPLAY_HEADERS, subscriptionReplayTopic, type OutgoingRecord, type TopicRecords } from '@switchyard/kafka';
import { replayTopicHeaders } from '../subscription/replay-record.js';
import { coordinates, type DlqEntry } from './dlq-entry.js';

/**
 * The redriven record: the original key, value and CloudEvents headers; without `sy-dlq-*`, the
 * retry state of the failed delivery and an earlier `sy-replay-id`; `sy-event-target-handlers` =
 * the failed handler when the dead letter names one (else every matching handler runs); and
 * `sy-replay-origin` = the DLQ coordinates, `sy-replayed-at` = now.
 */
export function subscriptionRedriveRecord(entry: DlqEntry, nowIso: string): OutgoingRecord {
  const handler = entry.info?.failedHandler;
  const { [REPLAY_HEADERS.replayId]: _staleReplayId, ...headers } = replayTopicHeaders(entry.record.headers, handler ? [handler] : undefined);
  return {
    key: entry.record.key,
    value: entry.record.value,
    headers: { ...headers, [REPLAY_HEADERS.origin]: `${entry.record.topic}/${coordinates(entry)}`, [REPLAY_HEADERS.replayedAt]: nowIso },
  };
}

/** The one write of an entry's redrive: its record to the subscription's replay topic. */
export function subscriptionRedriveWrites(entry: DlqEntry, subscription: string, nowIso: string): TopicRecords[] {
  return [{ topic: subscriptionReplayTopic(subscription), records: [subscriptionRedriveRecord(entry, nowIso)] }];
}
