import { z } from 'zod';
import {
  EVENT_LOG_TOPIC,
  ensureTopics,
  eventDlqTopic,
  eventLaneTopic,
  eventTopic,
  LANES,
  RETRY_TIERS,
  subscriptionReplayTopic,
  subscriptionRetryTopic,
  type AdminPort,
  type TopicSpec,
} from '@switchyard/kafka';

const DAY_MS = 86_400_000;

/** How the bus lays out its topics. Defaults suit a single local broker. */
export const EventTopologyOptionsSchema = z
  .object({
    /** Partitions of each event topic (and of the subscription topics fed from it). */
    partitions: z.number().int().min(1).max(10_000).default(6),
    replicationFactor: z.number().int().min(1).max(16).default(1),
    /** How long events are kept (days): the protocol's EventPersistence.retention. Default 7. */
    retentionDays: z.number().int().positive().default(7),
    /** How long dead events are kept (days). Default 30. */
    dlqRetentionDays: z.number().int().positive().default(30),
    /** One topic per priority (`events.<domain>.<lane>`) or one per domain (`events.<domain>`). */
    priorityEnabled: z.boolean().default(true),
    maxMessageBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(1_048_576),
  })
  .strict();

export type EventTopologyOptions = z.output<typeof EventTopologyOptionsSchema>;
export type EventTopologyOptionsInput = z.input<typeof EventTopologyOptionsSchema>;

function spec(topic: string, options: EventTopologyOptions, retentionMs: number, partitions = options.partitions): TopicSpec {
  return {
    topic,
    numPartitions: partitions,
    replicationFactor: options.replicationFactor,
    configs: { 'cleanup.policy': 'delete', 'retention.ms': String(retentionMs), 'max.message.bytes': String(options.maxMessageBytes) },
  };
}

/** The topics events of one domain are published to. Pure. */
export function planDomainTopics(domain: string, options: EventTopologyOptions): TopicSpec[] {
  const retention = options.retentionDays * DAY_MS;
  return options.priorityEnabled ? LANES.map((lane) => spec(eventLaneTopic(domain, lane), options, retention)) : [spec(eventTopic(domain), options, retention)];
}

/** The topics one subscription owns: retry tiers, the replay topic, a DLQ per domain it reads. Pure. */
export function planSubscriptionTopics(subscription: string, domains: readonly string[], partitions: number, options: EventTopologyOptions): TopicSpec[] {
  const retention = options.retentionDays * DAY_MS;
  return [
    ...RETRY_TIERS.map((tier) => spec(subscriptionRetryTopic(subscription, tier), options, retention, partitions)),
    spec(subscriptionReplayTopic(subscription), options, retention, partitions),
    ...domains.map((domain) => planDlqTopic(domain, subscription, options)),
  ];
}

/** `events.<domain>.dlq.<name>` of a subscription (or route). Pure. */
export function planDlqTopic(domain: string, name: string, options: EventTopologyOptions): TopicSpec {
  return spec(eventDlqTopic(domain, name), options, options.dlqRetentionDays * DAY_MS);
}

/**
 * A subscription's dedup topic (see subscribe/event-dedup.ts): one partition, compacted (one marker
 * per event id) and deleted after the dedup window. Pure.
 */
export function planDedupTopic(topic: string, windowMs: number, options: EventTopologyOptions): TopicSpec {
  const base = spec(topic, options, windowMs, 1);
  return { ...base, configs: { ...base.configs, 'cleanup.policy': 'compact,delete' } };
}

/** The handler execution log (keyed by event id). */
export function planEventLogTopic(options: EventTopologyOptions): TopicSpec {
  return spec(EVENT_LOG_TOPIC, options, options.retentionDays * DAY_MS);
}

/** Creates what is missing; existing topics are left as they are (drift is only reported). */
export async function ensureEventTopics(admin: AdminPort, specs: readonly TopicSpec[]): Promise<void> {
  await ensureTopics(admin, specs);
}
