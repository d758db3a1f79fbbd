/**
 * Task-status reads for operators and front ends: one {@link TaskStatusView} per queue, started on
 * the first read of that queue and kept until `close()`, so reads are lookups in a view of the
 * compacted status topic instead of a throwaway consumer group each. The queue must exist, and a
 * task without a status record is "nothing matched" (SY_NOTHING_MATCHED), not an empty answer.
 */
import type { AdminPort, KafkaClient, TaskStatusRecord } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import { requireQueue } from '../dlq/queue-lookup.js';
import { TaskStatusView } from './task-status-view.js';

/** Options of {@link TaskStatusViews}. */
export interface TaskStatusViewsOptions {
  readonly client: KafkaClient;
  /** A connected admin, kept by the caller (queue checks and the views' end offsets). */
  readonly admin: AdminPort;
  /** How long a read waits for its view to catch up before SY_KAFKA_UNAVAILABLE (ms, default 30000). */
  readonly catchUpTimeoutMs?: number;
}

/** The status views of every queue read so far: one consumer group per queue, deleted on close. */
export class TaskStatusViews {
  readonly #options: TaskStatusViewsOptions;
  readonly #views = new Map<string, Promise<TaskStatusView>>();
  #closed = false;

  constructor(options: TaskStatusViewsOptions) {
    this.#options = options;
  }

  /** The latest status of task `id` in `queue`; SY_INVALID_ARGUMENT for an unknown queue, SY_NOTHING_MATCHED for an unknown id. */
  async require(queue: string, id: string): Promise<TaskStatusRecord> {
    if (this.#closed) throw opsError('SY_INVALID_ARGUMENT', 'TaskStatusViews.require() after close().', 'Create new TaskStatusViews for further reads.');
    const status = await (await this.#view(queue)).get(id);
    if (!status) {
      throw opsError('SY_NOTHING_MATCHED', `Task ${id} has no status record in queue ${queue}.`, "Check the id and the queue; status records age out after the status topic's retention.ms.");
    }
    return status;
  }

  /** Stops every view and deletes their groups. */
  async close(): Promise<void> {
    this.#closed = true;
    const views = [...this.#views.values()];
    this.#views.clear();
    await Promise.all(views.map(async (started) => (await started.catch(() => undefined))?.close()));
  }

  #view(queue: string): Promise<TaskStatusView> {
    let started = this.#views.get(queue);
    if (!started) {
      started = this.#start(queue);
      this.#views.set(queue, started);
      // A queue that failed to start (unknown, cluster gone) is tried afresh on the next read.
      started.catch(() => this.#views.get(queue) === started && this.#views.delete(queue));
    }
    return started;
  }

  async #start(queue: string): Promise<TaskStatusView> {
    const { client, admin, catchUpTimeoutMs } = this.#options;
    await requireQueue(admin, queue);
    const view = new TaskStatusView({ client, admin, queue, ...(catchUpTimeoutMs !== undefined ? { catchUpTimeoutMs } : {}) });
    try {
      await view.start();
    } catch (error) {
      await view.close().catch(() => undefined);
      throw error;
    }
    return view;
  }
}
