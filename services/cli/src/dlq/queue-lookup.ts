/** Which queues exist on the cluster: a queue exists when its DLQ topic does. */
import { parseTaskTopic, taskDlqTopic, type AdminPort } from '@switchyard/kafka';
import { CliError } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';

/** Queues found in topic names (any task topic counts), sorted. */
export function queuesIn(topics: readonly string[]): string[] {
  return [...new Set(topics.map((t) => parseTaskTopic(t)?.queue).filter((q): q is string => q !== undefined))].sort();
}

/** Resolves the topic list when `queue`'s DLQ topic exists; else a bad-input error listing the known queues. */
export async function requireQueue(admin: AdminPort, queue: string): Promise<string[]> {
  const topics = await admin.listTopics();
  if (topics.includes(taskDlqTopic(queue))) return topics;
  const known = queuesIn(topics.filter((t) => parseTaskTopic(t)?.kind === 'dlq'));
  throw new CliError(
    EXIT.badInput,
    `--queue: unknown queue "${queue}" (topic ${taskDlqTopic(queue)} does not exist).`,
    known.length > 0 ? `Known queues: ${known.join(', ')}.` : 'No queue exists on this cluster yet: start a worker for it (it creates the topics) or check --brokers.',
  );
}
