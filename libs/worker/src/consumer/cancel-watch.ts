import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { SwitchyardError } from '@switchyard/protocol';
import { taskCancelTopic, throwawayConsumer, throwawayGroup, type ConsumerPort, type KafkaClient } from '@switchyard/kafka';

const CATCH_UP_TIMEOUT_MS = 10_000;

/**
 * Every worker process reads its queues' cancel topics from the beginning (they are compacted:
 * one small record per cancelled task id) with a group of its own that never commits, so each
 * process sees every cancellation. The group is deleted when the watch stops, or when its start
 * fails (a throwaway consumer). A task id in the set is skipped when it comes up to run;
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
    const consumer = throwawayConsumer(this.#client, { groupId: throwawayGroup('cancel-watch', randomUUID()), maxWaitTimeMs: 500 }, { log: this.#log });
    this.#consumer = consumer;
    try {
      await this.#follow(consumer);
    } catch (error) {
      this.#consumer = undefined;
      await consumer.disconnect();
      throw error;
    }
  }

  async #follow(consumer: ConsumerPort): Promise<void> {
    await consumer.connect();
    await consumer.subscribe(this.#queues.map(taskCancelTopic), { fromBeginning: true });
    const ends = await this.#endOffsets();
    const reached = new Set<string>();
    await consumer.run({
      eachBatch: async (batch) => {
        const end = ends.get(`${batch.topic}:${batch.partition}`);
        if (end !== undefined && BigInt(batch.lastOffset) + 1n >= end) reached.add(`${batch.topic}:${batch.partition}`);
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
    // Catch up before tasks run, so a cancellation written before this worker started is seen.
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    while (reached.size < ends.size && Date.now() < deadline) await sleep(50);
    if (reached.size < ends.size) this.#log.warn({ queues: this.#queues }, 'cancel topics not read to the end yet; starting anyway');
    this.#log.debug({ queues: this.#queues }, 'watching cancellations');
  }

  /** End offsets of the non-empty cancel partitions at start. */
  async #endOffsets(): Promise<Map<string, bigint>> {
    const admin = this.#client.admin();
    await admin.connect();
    try {
      const ends = new Map<string, bigint>();
      for (const queue of this.#queues) {
        const topic = taskCancelTopic(queue);
        for (const o of await admin.topicOffsets(topic)) if (BigInt(o.high) > BigInt(o.low)) ends.set(`${topic}:${o.partition}`, BigInt(o.high));
      }
      return ends;
    } finally {
      await admin.disconnect();
    }
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

  /** Leaves and deletes the watch's group. */
  async stop(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.disconnect();
  }
}
