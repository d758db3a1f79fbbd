import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SwitchyardError } from '@switchyard/protocol';
import { taskCancelTopic, type ConsumerPort, type KafkaClient } from '@switchyard/kafka';

/**
 * Every worker process reads its queues' cancel topics from the beginning (they are compacted:
 * one small record per cancelled task id) with a group of its own that never commits, so each
 * process sees every cancellation. A task id in the set is skipped when it comes up to run;
 * a running one has its AbortSignal fired.
 */
export class CancelWatch {
  readonly #client: KafkaClient;
  readonly #queues: readonly string[];
  readonly #log: Logger;
  readonly #cancelled = new Set<string>();
  /** Running attempts by task id, aborted when their cancellation arrives. */
  readonly #running = new Map<string, AbortController>();
  #consumer: ConsumerPort | undefined;

  constructor(client: KafkaClient, queues: readonly string[], log: Logger) {
    this.#client = client;
    this.#queues = queues;
    this.#log = log;
  }

  async start(): Promise<void> {
    this.#consumer = this.#client.consumer({ groupId: `switchyard.cancel-watch.${randomUUID()}`, maxWaitTimeMs: 500 });
    await this.#consumer.connect();
    await this.#consumer.subscribe(this.#queues.map(taskCancelTopic), { fromBeginning: true });
    await this.#consumer.run({
      eachBatch: async (batch) => {
        for (const record of batch.records) {
          const taskId = record.key?.toString('utf8');
          if (!taskId) continue;
          if (record.value === null) {
            this.#cancelled.delete(taskId);
            continue;
          }
          this.#cancelled.add(taskId);
          this.#running.get(taskId)?.abort(new SwitchyardError('SY_TASK_CANCELLED', `Task ${taskId} was cancelled while running.`));
        }
      },
    });
    this.#log.debug({ queues: this.#queues }, 'watching cancellations');
  }

  isCancelled(taskId: string): boolean {
    return this.#cancelled.has(taskId);
  }

  /** Watches a running attempt: its controller is aborted if the task gets cancelled. */
  watch(taskId: string, controller: AbortController): () => void {
    this.#running.set(taskId, controller);
    return () => {
      if (this.#running.get(taskId) === controller) this.#running.delete(taskId);
    };
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
  }
}
