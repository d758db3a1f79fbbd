/**
 * Task-status reads for operators: the queue must exist, and a task without a status record is
 * "nothing matched" (SY_NOTHING_MATCHED), not an empty answer. Each read scans the one partition of
 * `tasks.<queue>.status` that holds the id (readTaskStatus of libs/worker, a throwaway consumer).
 */
import type { AdminPort, KafkaClient, TaskStatusRecord } from '@switchyard/kafka';
import { readTaskStatus } from '@switchyard/worker';
import { opsError } from '../ops-error.js';
import { requireQueue } from '../dlq/queue-lookup.js';

/** The latest status of task `id` in `queue`; SY_INVALID_ARGUMENT for an unknown queue, SY_NOTHING_MATCHED for an unknown id. */
export async function requireTaskStatus(client: KafkaClient, admin: AdminPort, queue: string, id: string): Promise<TaskStatusRecord> {
  await requireQueue(admin, queue);
  const status = await readTaskStatus(client, queue, id);
  if (!status) {
    throw opsError('SY_NOTHING_MATCHED', `Task ${id} has no status record in queue ${queue}.`, "Check the id and the queue; status records age out after the status topic's retention.ms.");
  }
  return status;
}
