import { encodeQueueRegistration, QUEUE_REGISTRY_TOPIC, type KafkaClient, type Logger } from '@switchyard/kafka';

/** What a worker registers of a queue: its name and where its dead letters go. */
export interface RegisteredQueue {
  readonly config: { readonly name: string; readonly deadLetterQueue?: string | undefined };
  readonly dlqTopic: string;
}

/**
 * Records each queue's DLQ topic in the compacted `switchyard.state.queues` (key: queue name), so
 * tools that know only a queue name (`switchyard dlq ... --queue`) find a named DLQ. Runs when the
 * registry topic exists (ensureTopology creates it for a queue with a named DLQ) and then
 * registers every queue of the worker, named or not, so dropping a name later is recorded too.
 * A missing registry with a named DLQ, or a failed write, is a warning, not a failure: dead
 * letters still land.
 */
export async function registerQueueDlqs(client: KafkaClient, queues: readonly RegisteredQueue[], log: Logger): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  let exists: boolean;
  try {
    exists = (await admin.listTopics()).includes(QUEUE_REGISTRY_TOPIC);
  } finally {
    await admin.disconnect();
  }
  const named = queues.filter((q) => q.config.deadLetterQueue !== undefined);
  if (!exists) {
    for (const q of named) {
      log.warn({ queue: q.config.name, dlq: q.dlqTopic }, `topic ${QUEUE_REGISTRY_TOPIC} does not exist: run ensureTopology for queue ${q.config.name} so the CLI can find its DLQ ${q.dlqTopic}`);
    }
    return;
  }
  const producer = client.producer();
  try {
    await producer.connect();
    const registeredAt = new Date().toISOString();
    await producer.send(queues.map((q) => encodeQueueRegistration({ queue: q.config.name, dlqTopic: q.dlqTopic, registeredAt })));
  } catch (error) {
    // Only tools' lookups depend on it: the worker runs (and dead-letters) without it.
    log.warn({ err: error, topic: QUEUE_REGISTRY_TOPIC }, `could not register the DLQ topics of queues ${queues.map((q) => q.config.name).join(', ')}; the CLI may not find a named DLQ until a worker registers it`);
  } finally {
    await producer.disconnect();
  }
}
