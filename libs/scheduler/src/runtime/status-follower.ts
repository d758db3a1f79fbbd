import { schedulerFollowGroup, schedulerLogTopic, taskStatusTopic, decodeTaskStatus, type ConsumerPort, type KafkaClient, type Logger, type ProducerPort, type RecordBatch } from '@switchyard/kafka';
import { encodeJobLogRecord, outcomeOf, statusError } from '../log/job-execution.v1.js';
import type { SchedulerMetrics } from '../metrics/scheduler-metrics.js';
import type { SchedulerOptions } from '../scheduler.options.js';
import { jobIdOfExecution } from './fire-records.js';

/**
 * Follows the status topics of the scheduler's `followQueues` and writes the outcome of every task the scheduler fired
 * (task id `job.<jobId>.<tick>`) to the job log: `success` (completed), `failed` (dead after the
 * retry policy, or cancelled), `timeout` (dead with SY_TASK_TIMEOUT), and batch progress while
 * it runs. One consumer group per scheduler; an outcome written twice after a crash folds into
 * the same execution.
 */
export class StatusFollower {
  readonly #client: KafkaClient;
  readonly #options: SchedulerOptions;
  readonly #log: Logger;
  readonly #metrics: SchedulerMetrics;
  #consumer: ConsumerPort | undefined;
  #producer: ProducerPort | undefined;

  constructor(client: KafkaClient, options: SchedulerOptions, deps: { log: Logger; metrics: SchedulerMetrics }) {
    this.#client = client;
    this.#options = options;
    this.#log = deps.log;
    this.#metrics = deps.metrics;
  }

  async start(): Promise<void> {
    this.#producer = this.#client.producer({ idempotent: true });
    await this.#producer.connect();
    const consumer = this.#client.consumer({ groupId: schedulerFollowGroup(this.#options.name), maxWaitTimeMs: 500 });
    this.#consumer = consumer;
    await consumer.connect();
    // From the beginning on the group's first start, so no outcome is missed while it joins.
    await consumer.subscribe(this.#options.followQueues.map((q) => taskStatusTopic(q)), { fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: 4, eachBatch: async (batch) => this.#onBatch(batch) });
  }

  async close(): Promise<void> {
    await this.#consumer?.disconnect();
    await this.#producer?.disconnect();
  }

  async #onBatch(batch: RecordBatch): Promise<void> {
    const records = [];
    for (const record of batch.records) {
      const status = decodeTaskStatus(record);
      const jobId = status ? jobIdOfExecution(status.taskId) : undefined;
      if (!status || !jobId) continue;
      const outcome = outcomeOf(status.status, status.result?.error?.code);
      if (outcome === undefined && !status.progress) continue;
      const error = statusError(status);
      records.push(
        encodeJobLogRecord({
          executionId: status.taskId,
          queue: status.queue,
          execution: { jobId, status: outcome ?? 'running', ...(outcome ? { completedAt: status.updatedAt } : {}), ...(outcome && outcome !== 'success' && error ? { error } : {}) },
          ...(status.progress ? { progress: status.progress } : {}),
        }),
      );
      if (outcome === 'failed' || outcome === 'timeout') this.#metrics.failures.inc({ scheduler: this.#options.name, job: jobId, status: outcome });
    }
    if (records.length > 0) await this.#producer!.send([{ topic: schedulerLogTopic(this.#options.name), records }]);
    const last = batch.records.at(-1);
    if (last) await this.#consumer!.commit([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    if (records.length > 0) this.#log.debug({ count: records.length }, 'job log outcomes written');
  }
}
