/**
 * A subscription's topics on the cluster: its DLQs (`events.<domain>.dlq.<subscription>`, one per
 * domain it reads), whether the subscription is known at all, and its replay topic, created when
 * the subscription runtime has not (yet) done so. Names come from the libs/kafka catalog.
 */
import { parseEventDlqTopic, parseSubscriptionTopic, subscriptionGroup, subscriptionReplayTopic, TOPIC_PREFIX, type AdminPort } from '@switchyard/kafka';
import { QUEUE_NAME_PATTERN } from '@switchyard/protocol';
import { opsError } from '../ops-error.js';

/**
 * True when `name` can be a subscription: names become topic and group segments, so the bus
 * (libs/events SubscriptionNameSchema) gives them the queue-name rule: a-z first, no dots.
 */
export function isSubscriptionName(name: string): boolean {
  return QUEUE_NAME_PATTERN.test(name);
}

/** The form of a subscription name, for error messages. */
export const SUBSCRIPTION_FORM = 'a subscription name (a-z first, then a-z, 0-9, _ or -)';

/**
 * DLQ topics of `subscription` among `topics`: every `events.<domain>.dlq.<subscription>`
 * (parsed by the catalog's parseEventDlqTopic), only `domain`'s when given. Sorted.
 */
export function subscriptionDlqTopicsIn(topics: readonly string[], subscription: string, domain?: string): string[] {
  return topics.filter((topic) => {
    const parsed = parseEventDlqTopic(topic);
    return parsed?.subscription === subscription && (domain === undefined || parsed.domain === domain);
  }).sort();
}

/** Subscriptions that have a DLQ topic among `topics`, sorted. */
export function subscriptionsIn(topics: readonly string[]): string[] {
  const found = new Set<string>();
  for (const topic of topics) {
    const parsed = parseEventDlqTopic(topic);
    if (parsed) found.add(parsed.subscription);
  }
  return [...found].sort();
}

/** The domain of an `events.<domain>.…` topic (the second segment), else undefined. */
export function domainOf(topic: string): string | undefined {
  const [prefix, domain] = topic.split('.');
  return prefix === TOPIC_PREFIX.events && domain ? domain : undefined;
}

/** Subscriptions that have a replay topic among `topics` (they were started at least once), sorted. */
export function startedSubscriptionsIn(topics: readonly string[]): string[] {
  return topics.flatMap((topic) => {
    const parsed = parseSubscriptionTopic(topic);
    return parsed?.kind === 'replay' ? [parsed.subscription] : [];
  }).sort();
}

/**
 * Refuses (exit 2) to write for a subscription nothing would read: it has neither its replay
 * topic (the runtime creates it at start) nor a consumer group. A DLQ alone is not enough: a
 * subscription that was removed, or a route's DLQ (`events.<domain>.dlq.route-<id>`), has one.
 */
export async function requireKnownSubscription(admin: AdminPort, subscription: string, option = 'subscription'): Promise<void> {
  const topics = await admin.listTopics();
  if (topics.includes(subscriptionReplayTopic(subscription))) return;
  const group = await admin.describeGroup(subscriptionGroup(subscription));
  if (group.state !== 'Dead') return;
  const started = startedSubscriptionsIn(topics);
  throw opsError(
    'SY_INVALID_ARGUMENT',
    `\`${option}\`: nothing would read what is written for "${subscription}": there is no topic ${subscriptionReplayTopic(subscription)} and no consumer group ${subscriptionGroup(subscription)}.`,
    `${started.length > 0 ? `Started subscriptions: ${started.join(', ')}. ` : ''}Start the subscription once (it creates its replay topic), or check the name and the cluster address.`,
  );
}

/**
 * Creates `switchyard.subscription.<sub>.replay` when it is missing (the subscription runtime
 * creates it at start), with as many partitions as the largest of `likeTopics` (its DLQ topics or
 * the event topic replayed) and their replication factor; broker defaults otherwise.
 * Resolves the topic name.
 */
export async function ensureSubscriptionReplayTopic(admin: AdminPort, subscription: string, likeTopics: readonly string[]): Promise<string> {
  const topic = subscriptionReplayTopic(subscription);
  if ((await admin.listTopics()).includes(topic)) return topic;
  const described = await admin.describeTopics(likeTopics);
  const partitions = Math.max(1, ...described.map((d) => d.partitions.length));
  const replicationFactor = Math.max(1, ...described.flatMap((d) => d.partitions.map((p) => p.replicas.length)));
  await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor, configs: {} }]);
  return topic;
}
