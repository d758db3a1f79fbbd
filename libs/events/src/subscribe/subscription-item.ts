import type { TaskPriority } from '@switchyard/protocol';
import { CLOUDEVENT_HEADERS, RETRY_TIERS, parseEventTopic, parseSubscriptionTopic, type IncomingRecord, type RetryTier } from '@switchyard/kafka';
import type { PartitionOffsetTracker } from '@switchyard/pipeline';

/** Where a record of a subscription comes from: an event topic, one of its retry tiers, or its replay topic. */
export type Source = { readonly kind: 'event'; readonly domain: string } | { readonly kind: 'retry'; readonly tier: RetryTier } | { readonly kind: 'replay' };

/** One fetched record on its way through a subscription: its lane, its source and its partition's tracker. */
export interface Item {
  readonly record: IncomingRecord;
  readonly lane: TaskPriority;
  readonly source: Source;
  readonly tracker: PartitionOffsetTracker;
}

/** The source of a topic for subscription `name`, or undefined for a topic that is not its own. */
export function sourceOf(topic: string, name: string): Source | undefined {
  const event = parseEventTopic(topic);
  if (event) return { kind: 'event', domain: event.domain };
  const own = parseSubscriptionTopic(topic);
  if (!own || own.subscription !== name) return undefined;
  if (own.kind === 'replay') return { kind: 'replay' };
  const tier = RETRY_TIERS.find((t) => t.name === own.tier);
  return tier ? { kind: 'retry', tier } : undefined;
}

export function header(record: IncomingRecord, name: string): string | undefined {
  return record.headers[name]?.toString('utf8');
}

/** The lane of a moved record (retry, replay): its CloudEvents priority header, `normal` without one. */
export function laneOfHeader(record: IncomingRecord): TaskPriority {
  const value = header(record, CLOUDEVENT_HEADERS.priority);
  return value === 'critical' || value === 'high' || value === 'low' || value === 'background' ? value : 'normal';
}
