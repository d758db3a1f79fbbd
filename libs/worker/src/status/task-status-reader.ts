import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError } from '@switchyard/protocol';
import { decodeTaskStatus, partitionForKey, taskStatusTopic, throwawayConsumer, throwawayGroup, type KafkaClient, type TaskStatusRecord } from '@switchyard/kafka';

/**
 * Reads the latest status of one task from its queue's compacted status topic: only the
 * partition the task id hashes to, up to the end offset it had when the call started.
 * Resolves undefined when the task has no status record.
 */
export async function readTaskStatus(client: KafkaClient, queue: string, taskId: string, { timeoutMs = 30_000 } = {}): Promise<TaskStatusRecord | undefined> {
  const topic = taskStatusTopic(queue);
  const admin = client.admin();
  await admin.connect();
  let offsets;
  try {
    offsets = await admin.topicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const partition = partitionForKey(taskId, offsets.length);
  const end = BigInt(offsets.find((o) => o.partition === partition)?.high ?? '0');
  const start = BigInt(offsets.find((o) => o.partition === partition)?.low ?? '0');
  if (end <= start) return undefined;
  // A group of its own, deleted on disconnect: nothing is left on the cluster after the read.
  const consumer = throwawayConsumer(client, { groupId: throwawayGroup('status-reader', randomUUID()), maxWaitTimeMs: 200 });
  let latest: TaskStatusRecord | undefined;
  let reached = false;
  let caughtUpAt: number | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe([topic], { fromBeginning: true });
    consumer.onGroupJoin(({ assignment }) => {
      const others = (assignment[topic] ?? []).filter((p) => p !== partition);
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
    });
    await consumer.run({
      eachBatch: async (batch) => {
        if (batch.partition !== partition) return;
        for (const record of batch.records) {
          if (record.key?.toString('utf8') === taskId) latest = decodeTaskStatus(record) ?? latest;
        }
        if (BigInt(batch.lastOffset) + 1n >= end) reached = true;
        else if (BigInt(batch.highWatermark) >= end) caughtUpAt = Date.now();
      },
    });
    const deadline = Date.now() + timeoutMs;
    // A transaction marker at the very end is never handed to eachBatch: once the last batch
    // reached the high watermark and nothing else comes for a moment, the end is reached.
    while (!reached && !(caughtUpAt !== undefined && Date.now() - caughtUpAt > 1_000)) {
      if (Date.now() > deadline) {
        throw new SwitchyardError('SY_KAFKA_UNAVAILABLE', `Reading the status of ${taskId} from ${topic} did not finish within ${timeoutMs} ms.`, {
          hint: 'Check that the cluster is reachable (KAFKA_BROKERS) and try again.',
        });
      }
      await sleep(50);
    }
  } finally {
    await consumer.disconnect();
  }
  return latest;
}
