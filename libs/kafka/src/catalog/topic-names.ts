import { SwitchyardError, TASK_PRIORITY_VALUES, type TaskPriority } from '@switchyard/protocol';

/**
 * The one catalog of Switchyard topic names (STYLE.md #3). Every other module builds names
 * through these functions; nothing else concatenates topic strings.
 *
 * | topic                               | key       | purpose                                   |
 * |-------------------------------------|-----------|-------------------------------------------|
 * | tasks.<queue>.<lane>                | tenant id | task lanes, one per priority               |
 * | tasks.<queue>.retry.<tier>          | tenant id | delayed retries / scheduledAt, fixed delay |
 * | tasks.<queue>.dlq                   | tenant id | dead letters (or QueueConfig.deadLetterQueue) |
 * | tasks.<queue>.status                | task id   | latest status per task (compacted)         |
 * | tasks.<queue>.cancel                | task id   | cancellation requests (compacted)          |
 * | events.<domain>                     | tenant id | events (domain = first name segment), bus without priority lanes |
 * | events.<domain>.<lane>              | tenant id | events of one priority (priorityEnabled, the default) |
 * | events.<domain>.dlq.<subscription>  | tenant id | dead events of one subscription           |
 * | switchyard.subscription.<sub>.retry.<tier> | tenant id | delayed handler retries of one subscription |
 * | switchyard.subscription.<sub>.replay | tenant id | events replayed into one subscription's handlers |
 * | switchyard.event-log                | event id  | handler execution log                      |
 * | switchyard.state.<kind>             | entity id | compacted state (queues: named DLQs, ...)  |
 */

/** Lanes in the order a worker prefers them: most urgent first. */
export const LANES: readonly TaskPriority[] = Object.freeze(
  (Object.keys(TASK_PRIORITY_VALUES) as TaskPriority[]).sort((a, b) => TASK_PRIORITY_VALUES[a] - TASK_PRIORITY_VALUES[b]),
);

/** A retry tier: one topic, one fixed delay. */
export interface RetryTier {
  readonly name: string;
  readonly delayMs: number;
}

/**
 * Fixed-delay retry tiers, shortest first. A delay is served by the longest tier not longer than
 * it, then by shorter tiers for the remainder, so no task runs early.
 */
export const RETRY_TIERS: readonly RetryTier[] = Object.freeze([
  { name: '1s', delayMs: 1_000 },
  { name: '5s', delayMs: 5_000 },
  { name: '30s', delayMs: 30_000 },
  { name: '2m', delayMs: 120_000 },
  { name: '10m', delayMs: 600_000 },
  { name: '1h', delayMs: 3_600_000 },
]);

export const TOPIC_PREFIX = Object.freeze({ tasks: 'tasks', events: 'events', switchyard: 'switchyard' });

/** `tasks.<queue>.<lane>` */
export function laneTopic(queue: string, lane: TaskPriority): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.${lane}`;
}

/** All five lane topics of a queue, most urgent first. */
export function laneTopics(queue: string): string[] {
  return LANES.map((lane) => laneTopic(queue, lane));
}

/** `tasks.<queue>.retry.<tier>` */
export function retryTopic(queue: string, tier: RetryTier | string): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.retry.${typeof tier === 'string' ? tier : tier.name}`;
}

/** `tasks.<queue>.dlq` */
export function taskDlqTopic(queue: string): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.dlq`;
}

/** Kafka's rule for topic names: 1-249 of `[a-zA-Z0-9._-]`, and not `.` or `..`. */
const KAFKA_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

function badDlqName(queue: string, name: string, reason: string): SwitchyardError {
  return new SwitchyardError('SY_INVALID_CONFIG', `QueueConfig.deadLetterQueue of queue "${queue}": "${name}" ${reason}.`, {
    hint: `Name a Kafka topic of letters, digits, '.', '_' or '-' (at most 249), e.g. "${queue}-dead-letters", or leave deadLetterQueue out for ${taskDlqTopic(queue)}.`,
    details: { queue, deadLetterQueue: name },
  });
}

/**
 * The DLQ topic of a queue: `QueueConfig.deadLetterQueue` when set (a Kafka topic name of its
 * own), else `tasks.<queue>.dlq`. Several queues may name the same DLQ topic (not another queue's
 * `tasks.<queue>.dlq`).
 * @throws SwitchyardError `SY_INVALID_CONFIG` when the name is not a valid Kafka topic name, is
 *   internal (`__*`) or is one of Switchyard's other topics (a lane, a retry tier, events.*, ...).
 */
export function queueDlqTopic(queue: { readonly name: string; readonly deadLetterQueue?: string | undefined }): string {
  const name = queue.deadLetterQueue;
  if (name === undefined) return taskDlqTopic(queue.name);
  if (!KAFKA_TOPIC_NAME.test(name) || name === '.' || name === '..') throw badDlqName(queue.name, name, 'is not a valid Kafka topic name');
  if (name.startsWith('__')) throw badDlqName(queue.name, name, 'is a Kafka internal topic name (starts with __)');
  const prefix = name.split('.')[0];
  // Another queue's tasks.<other>.dlq is refused too: tools read it as that queue's own DLQ.
  const ours = (prefix === TOPIC_PREFIX.tasks && name !== taskDlqTopic(queue.name)) || prefix === TOPIC_PREFIX.events || prefix === TOPIC_PREFIX.switchyard;
  if (ours) throw badDlqName(queue.name, name, `is reserved for Switchyard topics (under tasks.* only the queue's own ${taskDlqTopic(queue.name)})`);
  return name;
}

/** `tasks.<queue>.dlq-redriven` (compacted, keyed by DLQ partition/offset): what `switchyard dlq redrive` already sent back */
export function taskDlqRedrivenTopic(queue: string): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.dlq-redriven`;
}

/** `tasks.<queue>.status` (compacted, keyed by task id) */
export function taskStatusTopic(queue: string): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.status`;
}

/** `tasks.<queue>.cancel` (compacted, keyed by task id): cancellation requests every worker reads */
export function taskCancelTopic(queue: string): string {
  return `${TOPIC_PREFIX.tasks}.${queue}.cancel`;
}

/** The domain of an event name: its first dot-separated segment (`user.created` -> `user`). */
export function eventDomain(eventName: string): string {
  return eventName.split('.')[0] ?? eventName;
}

/** `events.<domain>` for an event name or a domain. */
export function eventTopic(eventNameOrDomain: string): string {
  return `${TOPIC_PREFIX.events}.${eventDomain(eventNameOrDomain)}`;
}

/** `events.<domain>.dlq.<subscription>` */
export function eventDlqTopic(domain: string, subscription: string): string {
  return `${TOPIC_PREFIX.events}.${eventDomain(domain)}.dlq.${subscription}`;
}

/** The domain and subscription (or `route-<id>`) of an `events.<domain>.dlq.<subscription>` topic; undefined for anything else. */
export function parseEventDlqTopic(topic: string): { readonly domain: string; readonly subscription: string } | undefined {
  const parts = topic.split('.');
  const [prefix, domain, dlq] = parts;
  const subscription = parts.slice(3).join('.');
  if (prefix !== TOPIC_PREFIX.events || !domain || dlq !== 'dlq' || subscription.length === 0) return undefined;
  return eventDlqTopic(domain, subscription) === topic ? { domain, subscription } : undefined;
}

/** `events.<domain>.<lane>`: the topic of one priority of a domain (bus with priorityEnabled). */
export function eventLaneTopic(eventNameOrDomain: string, lane: TaskPriority): string {
  return `${eventTopic(eventNameOrDomain)}.${lane}`;
}

/** Every topic events of a domain can be published to: the plain topic and its five lanes, most urgent lane first. */
export function eventTopics(eventNameOrDomain: string): string[] {
  return [...LANES.map((lane) => eventLaneTopic(eventNameOrDomain, lane)), eventTopic(eventNameOrDomain)];
}

/** Event domains are event names' first segment: `[a-z][a-z0-9_]*`. */
const EVENT_DOMAIN = '[a-z][a-z0-9_]*';
const LANE_ALTERNATIVES = LANES.join('|');

/**
 * Matches every event topic (plain or lane) whose domain matches `domainPattern` (a regex source,
 * default: any domain). DLQ, retry and replay topics never match.
 */
export function eventTopicRegExp(domainPattern: string = EVENT_DOMAIN): RegExp {
  return new RegExp(`^${TOPIC_PREFIX.events}\\.(?:${domainPattern})(?:\\.(?:${LANE_ALTERNATIVES}))?$`);
}

/** What an event topic is: its domain and lane (`normal` for the plain `events.<domain>` topic). */
export function parseEventTopic(topic: string): { readonly domain: string; readonly lane: TaskPriority; readonly plain: boolean } | undefined {
  if (!eventTopicRegExp().test(topic)) return undefined;
  const [, domain, lane] = topic.split('.');
  return { domain: domain!, lane: (lane as TaskPriority | undefined) ?? 'normal', plain: lane === undefined };
}

const SUBSCRIPTION_PREFIX = `${TOPIC_PREFIX.switchyard}.subscription`;

/** `switchyard.subscription.<subscription>.retry.<tier>`: delayed handler retries of one subscription. */
export function subscriptionRetryTopic(subscription: string, tier: RetryTier | string): string {
  return `${SUBSCRIPTION_PREFIX}.${subscription}.retry.${typeof tier === 'string' ? tier : tier.name}`;
}

/** `switchyard.subscription.<subscription>.replay`: events replayed into this subscription's handlers only. */
export function subscriptionReplayTopic(subscription: string): string {
  return `${SUBSCRIPTION_PREFIX}.${subscription}.replay`;
}

/** `switchyard.subscription.<subscription>.dedup` (compacted): the event ids a subscription with `dedup` handled. */
export function subscriptionDedupTopic(subscription: string): string {
  return `${SUBSCRIPTION_PREFIX}.${subscription}.dedup`;
}

/** What a subscription-owned topic is; undefined for anything else. */
export function parseSubscriptionTopic(topic: string): { readonly subscription: string; readonly kind: 'retry'; readonly tier: string } | { readonly subscription: string; readonly kind: 'replay' } | undefined {
  if (!topic.startsWith(`${SUBSCRIPTION_PREFIX}.`)) return undefined;
  const parts = topic.slice(SUBSCRIPTION_PREFIX.length + 1).split('.');
  if (parts.length === 3 && parts[1] === 'retry') return { subscription: parts[0]!, kind: 'retry', tier: parts[2]! };
  if (parts.length === 2 && parts[1] === 'replay') return { subscription: parts[0]!, kind: 'replay' };
  return undefined;
}

/** The handler execution log of the event bus. */
export const EVENT_LOG_TOPIC = `${TOPIC_PREFIX.switchyard}.event-log`;

/** `switchyard.webhooks.deliveries`: the webhook delivery log, one `webhook-delivery.v1` record per attempt, keyed by endpoint id. */
export const WEBHOOK_DELIVERIES_TOPIC = `${TOPIC_PREFIX.switchyard}.webhooks.deliveries`;

/** Kinds of compacted state topics. */
export type StateKind = 'schedules' | 'webhooks' | 'snapshots' | 'queues';

/** `switchyard.state.queues` (compacted, keyed by queue name): where each queue's named DLQ is (queue-registration.v1). */
export const QUEUE_REGISTRY_TOPIC = stateTopic('queues');

/** `switchyard.state.<kind>` (compacted, keyed by entity id) */
export function stateTopic(kind: StateKind): string {
  return `${TOPIC_PREFIX.switchyard}.state.${kind}`;
}

/** What a topic name is, parsed back from the catalog's patterns (undefined if it is not ours). */
export type ParsedTopic =
  | { kind: 'lane'; queue: string; lane: TaskPriority }
  | { kind: 'retry'; queue: string; tier: string }
  | { kind: 'dlq'; queue: string }
  | { kind: 'status'; queue: string }
  | { kind: 'cancel'; queue: string };

/** Parses a task topic name; undefined for anything else. */
export function parseTaskTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('.');
  if (parts[0] !== TOPIC_PREFIX.tasks || parts.length < 3) return undefined;
  const queue = parts[1]!;
  if (parts.length === 4 && parts[2] === 'retry') return { kind: 'retry', queue, tier: parts[3]! };
  if (parts.length !== 3) return undefined;
  const last = parts[2]!;
  if (last === 'dlq') return { kind: 'dlq', queue };
  if (last === 'status') return { kind: 'status', queue };
  if (last === 'cancel') return { kind: 'cancel', queue };
  if ((LANES as readonly string[]).includes(last)) return { kind: 'lane', queue, lane: last as TaskPriority };
  return undefined;
}

/**
 * A consumer's fetch rank of a task or event topic (`ConsumerRunOptions.fetchRank`): its lane's
 * place in {@link LANES} (critical 0 ... background 4); a delay tier ranks with `high` (retries
 * come due in order and are few), an event topic by its lane (`normal` without one), any other topic
 * with `normal`.
 */
export function laneFetchRank(topic: string): number {
  const task = parseTaskTopic(topic);
  if (task?.kind === 'lane') return LANES.indexOf(task.lane);
  if (task?.kind === 'retry') return LANES.indexOf('high');
  return LANES.indexOf((task ? undefined : parseEventTopic(topic))?.lane ?? 'normal');
}

/** `switchyard.scheduler.<scheduler>.jobs` (compacted): job definitions (key: job id), each job's last handled tick and sync barriers. */
export function schedulerJobsTopic(scheduler: string): string {
  return `${TOPIC_PREFIX.switchyard}.scheduler.${scheduler}.jobs`;
}

/** `switchyard.scheduler.<scheduler>.log` (key: job id): the job log, one record per execution status change. */
export function schedulerLogTopic(scheduler: string): string {
  return `${TOPIC_PREFIX.switchyard}.scheduler.${scheduler}.log`;
}
