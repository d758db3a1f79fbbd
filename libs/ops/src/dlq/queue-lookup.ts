/**
 * Which queues exist on the cluster and where their dead letters are. A queue exists when its
 * status topic (or its default DLQ topic) does. Its DLQ is the one its workers registered in
 * `switchyard.state.queues` (a named `QueueConfig.deadLetterQueue`), else `tasks.<queue>.dlq`.
 */
import { decodeQueueRegistration, parseTaskTopic, QUEUE_REGISTRY_TOPIC, taskDlqTopic, taskStatusTopic, type AdminPort, type KafkaClient } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { readTopicSnapshot } from './topic-snapshot.js';

/** Queues found in topic names (any task topic counts), sorted. */
export function queuesIn(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => parseTaskTopic(t)?.queue).filter((q): q is string => q !== undefined))].sort();
}

/** Resolves the topic list when `queue` exists; else a bad-input error listing the known queues. */
export async function requireQueue(admin: AdminPort, queue: string): Promise<string[]> {
  const topics = await admin.listTopics();
  if (topics.includes(taskStatusTopic(queue)) || topics.includes(taskDlqTopic(queue))) return topics;
  const known = queuesIn(topics.filter((t) => parseTaskTopic(t)?.kind === 'status' || parseTaskTopic(t)?.kind === 'dlq'));
  throw opsError(
    'SY_INVALID_ARGUMENT',
    `\`queue\`: unknown queue "${queue}" (topic ${taskStatusTopic(queue)} does not exist).`,
    known.length > 0 ? `Known queues: ${known.join(', ')}.` : 'No queue exists on this cluster yet: start a worker for it (it creates the topics) or check the cluster address.',
  );
}

/** The DLQ topic each registered queue's workers last recorded in `switchyard.state.queues` (empty without that topic). */
export async function registeredDlqs(client: KafkaClient, topics: readonly string[]): Promise<Map<string, string>> {
  const dlqs = new Map<string, string>();
  if (!topics.includes(QUEUE_REGISTRY_TOPIC)) return dlqs;
  // One partition: records come in the order they were written, the latest last.
  for (const record of await readTopicSnapshot(client, QUEUE_REGISTRY_TOPIC)) {
    const registration = decodeQueueRegistration(record);
    if (registration) dlqs.set(registration.queue, registration.dlqTopic);
  }
  return dlqs;
}

/**
 * The DLQ topic of an existing queue: its latest registration in `switchyard.state.queues`, else
 * `tasks.<queue>.dlq`; exit 2 when that topic does not exist (e.g. a named DLQ never created).
 */
export async function queueDlqTopicOn(client: KafkaClient, topics: readonly string[], queue: string): Promise<string> {
  const dlq = (await registeredDlqs(client, topics)).get(queue) ?? taskDlqTopic(queue);
  if (topics.includes(dlq)) return dlq;
  throw opsError(
    'SY_INVALID_ARGUMENT',
    `\`queue\`: queue "${queue}" has no DLQ topic: ${dlq} does not exist.`,
    `Create the queue's topics with ensureTopology (it creates ${dlq}), or check the cluster address.`,
  );
}
