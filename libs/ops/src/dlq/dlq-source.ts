/**
 * Where DLQ browse, redrive and purge read and write: a task queue (`queue`) or an event-bus
 * subscription (`subscription`, optionally `domain`). Everything that differs between the two lives here,
 * so list, show, redrive and purge run one code path for both:
 *
 * |                | queue                          | subscription                                        |
 * |----------------|--------------------------------|-----------------------------------------------------|
 * | DLQ topics     | `tasks.<q>.dlq`, or the named DLQ registered in `switchyard.state.queues` | every `events.<domain>.dlq.<sub>` on the cluster |
 * | entries        | a named DLQ's records that died in the queue's lanes | all                                |
 * | redrive target | the lane of `sy-priority`      | `switchyard.subscription.<sub>.replay`              |
 * | markers        | `tasks.<q>.dlq-redriven`, key `<p>/<o>` | `switchyard.subscription.<sub>.dlq-redriven`, key `<topic>/<p>/<o>` |
 * | transactional id | `switchyard-cli.dlq.<q>`     | `switchyard-cli.dlq.subscription.<sub>`             |
 */
import { parseTaskTopic, subscriptionReplayTopic, taskDlqRedrivenTopic, taskDlqTopic, type AdminPort, type KafkaClient, type TopicRecords } from '@switchyard/kafka';
import type { SwitchyardError } from '@switchyard/protocol';
import { opsError } from '../ops-error.js';
import { ensureSubscriptionReplayTopic, requireKnownSubscription, subscriptionDlqTopicsIn, subscriptionsIn } from '../subscription/subscription-topics.js';
import type { DlqEntry, DlqKind } from './dlq-entry.js';
import { queueDlqTopicOn, requireQueue } from './queue-lookup.js';
import { partitionOffsetKey, topicPartitionOffsetKey, type MarkerKey } from './redrive-markers.js';
import { redriveLane, redriveWrites } from './redrive-plan.js';
import { subscriptionDlqRedrivenTopic, subscriptionDlqTransactionalId } from './subscription-dlq.names.js';
import { subscriptionRedriveWrites } from './subscription-redrive-plan.js';

/** What the flags name (validated by `sourceSpecOf` in dlq-flags.ts). */
export type DlqSourceSpec = { readonly kind: 'queue'; readonly queue: string } | { readonly kind: 'subscription'; readonly subscription: string; readonly domain?: string };

export interface DlqSource {
  readonly kind: DlqKind;
  /** The queue or the subscription. */
  readonly name: string;
  /** The DLQ topics read, sorted (one for a queue). */
  readonly topics: readonly string[];
  readonly markerTopic: string;
  readonly markerKey: MarkerKey;
  /** Of the writer: a second redrive or purge of the same source fences the first. */
  readonly transactionalId: string;
  /** The DLQ topics for messages: `tasks.q.dlq`, or `events.a.dlq.s, events.b.dlq.s`. */
  readonly label: string;
  /**
   * Whether an entry of the DLQ topics belongs to this source: a named DLQ may be shared by
   * several queues, so a queue owns the entries that died in its own topics.
   */
  owns(entry: DlqEntry): boolean;
  /** `{queue}` or `{subscription}` for JSON output. */
  readonly identity: { readonly queue: string } | { readonly subscription: string };
  /** Where an entry's redrive sends it. */
  targetOf(entry: DlqEntry): string;
  /** The records an entry's redrive writes (its marker aside). */
  redriveWrites(entry: DlqEntry, nowIso: string): TopicRecords[];
  /** Refuses (exit 2) a redrive nothing would read (a subscription never started). */
  checkRedriveTarget(admin: AdminPort): Promise<void>;
  /** Creates what redrive writes to when it is missing (a subscription's replay topic). */
  prepareRedrive(admin: AdminPort): Promise<void>;
}

/** A queue's DLQ (exit 2 when the queue does not exist). */
export async function queueSource(admin: AdminPort, client: KafkaClient, queue: string): Promise<DlqSource> {
  const topic = await queueDlqTopicOn(client, await requireQueue(admin, queue), queue);
  return {
    kind: 'queue',
    name: queue,
    topics: [topic],
    markerTopic: taskDlqRedrivenTopic(queue),
    markerKey: partitionOffsetKey,
    transactionalId: `switchyard-cli.dlq.${queue}`,
    label: topic,
    identity: { queue },
    owns: topic === taskDlqTopic(queue) ? () => true : (entry) => entry.info === undefined || parseTaskTopic(entry.info.origin.topic)?.queue === queue,
    targetOf: (entry) => redriveLane(entry, queue),
    redriveWrites: (entry, nowIso) => redriveWrites(entry, queue, nowIso),
    checkRedriveTarget: async () => undefined,
    prepareRedrive: async () => undefined,
  };
}

/** A subscription's DLQs, all domains or `domain`'s (exit 2 when it has none). */
export async function subscriptionSource(admin: AdminPort, subscription: string, domain?: string): Promise<DlqSource> {
  const all = await admin.listTopics();
  const topics = subscriptionDlqTopicsIn(all, subscription, domain);
  if (topics.length === 0) throw unknownSubscription(all, subscription, domain);
  const target = subscriptionReplayTopic(subscription);
  return {
    kind: 'subscription',
    name: subscription,
    topics,
    markerTopic: subscriptionDlqRedrivenTopic(subscription),
    markerKey: topicPartitionOffsetKey,
    transactionalId: subscriptionDlqTransactionalId(subscription),
    label: topics.join(', '),
    identity: { subscription },
    owns: () => true,
    targetOf: () => target,
    redriveWrites: (entry, nowIso) => subscriptionRedriveWrites(entry, subscription, nowIso),
    checkRedriveTarget: (a) => requireKnownSubscription(a, subscription),
    prepareRedrive: async (a) => void (await ensureSubscriptionReplayTopic(a, subscription, topics)),
  };
}

function unknownSubscription(topics: readonly string[], subscription: string, domain: string | undefined): SwitchyardError {
  const elsewhere = domain === undefined ? [] : subscriptionDlqTopicsIn(topics, subscription);
  if (elsewhere.length > 0) {
    return opsError('SY_INVALID_ARGUMENT', `\`domain\`: subscription "${subscription}" has no DLQ in domain "${domain}".`, `Its DLQs: ${elsewhere.join(', ')}.`);
  }
  const known = subscriptionsIn(topics);
  return opsError(
    'SY_INVALID_ARGUMENT',
    `\`subscription\`: no DLQ topic of subscription "${subscription}" (events.<domain>.dlq.${subscription}) exists.`,
    known.length > 0 ? `Subscriptions with a DLQ: ${known.join(', ')}.` : 'No subscription has a DLQ on this cluster yet: start the subscription (it creates its topics) or check the cluster address.',
  );
}

/** Resolves the source the flags name. */
export function resolveDlqSource(admin: AdminPort, client: KafkaClient, spec: DlqSourceSpec): Promise<DlqSource> {
  return spec.kind === 'queue' ? queueSource(admin, client, spec.queue) : subscriptionSource(admin, spec.subscription, spec.domain);
}

