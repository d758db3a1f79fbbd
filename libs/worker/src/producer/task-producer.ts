import { randomUUID } from 'node:crypto';
import {
  BatchTaskSchema,
  parseOrThrow,
  QueueNameSchema,
  type BatchTaskInput,
  SwitchyardError,
  TaskSchema,
  type Task,
  type TaskInput,
} from '@switchyard/protocol';
import {
  encodeTaskEnvelope,
  encodeTaskStatus,
  laneTopic,
  partitionForKey,
  recordSizeBytes,
  retryTopic,
  taskStatusTopic,
  taskCancelTopic,
  type AdminPort,
  type BatchOptions,
  type KafkaClient,
  type OutgoingRecord,
  type TopicRecords,
  TransactionalSender,
} from '@switchyard/kafka';
import { chooseTier } from '@switchyard/pipeline';

/** Where a task goes besides its own fields: tenant (partition key), ordering key, trace context. */
export interface EnqueueOptions {
  /** Tenant id: the Kafka key, so a tenant's tasks stay on one partition, in order. */
  readonly tenant?: string;
  /** Finer ordering key inside the tenant (default: the tenant). */
  readonly orderingKey?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Internal: set by enqueueBatch. */
  readonly batch?: BatchOptions;
}

/** A task to enqueue: the protocol Task, with `id` optional (a UUID is generated). */
export type EnqueueTask = Omit<TaskInput, 'id'> & { readonly id?: string };

/** What Kafka acknowledged for one task. */
export interface EnqueueReceipt {
  readonly taskId: string;
  readonly queue: string;
  readonly topic: string;
  readonly partition: number;
  /** When set, the task waits in a delay topic until then. */
  readonly notBefore?: string;
}

export interface TaskProducerOptions {
  readonly client: KafkaClient;
  /**
   * Queues this producer may write to. When omitted, a queue is accepted once its lane topic
   * exists on the cluster (checked once per queue).
   */
  readonly queues?: readonly string[];
  /** Largest record accepted (bytes), matching the lanes' max.message.bytes. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Also write a `queued` record to the queue's status topic (default true). */
  readonly writeStatus?: boolean;
  /** Prefix of this producer's transactional id (a random suffix is added per instance). Default `switchyard.producer.<clientId>`. */
  readonly transactionalIdPrefix?: string;
  readonly now?: () => number;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

interface Prepared {
  readonly task: Task;
  readonly topic: string;
  readonly record: OutgoingRecord;
  readonly status?: OutgoingRecord;
  readonly notBefore?: string;
}

/**
 * The producer API any service imports: validates tasks against the protocol, routes each to its
 * lane (or to a delay topic when `scheduledAt` is in the future), keys it by tenant, and resolves
 * only when Kafka acknowledged every record (acks=all). Every call is one Kafka transaction: all
 * of its tasks (and their status records) become visible to workers, which read committed
 * records only, or none do, so a failed call can be sent again without duplicating anything.
 * Calls of one producer run one after the other (a transactional producer has one transaction
 * open at a time); a large call is cut into produce requests under the topics' size limit.
 */
export class TaskProducer {
  readonly #options: Required<Omit<TaskProducerOptions, 'queues' | 'transactionalIdPrefix'>> & { queues?: readonly string[] };
  readonly #producer: TransactionalSender;
  readonly #admin: AdminPort;
  readonly #knownQueues = new Set<string>();
  #connected = false;

  constructor(options: TaskProducerOptions) {
    this.#options = { maxMessageBytes: 1_048_576, writeStatus: true, now: Date.now, ...options };
    for (const queue of options.queues ?? []) this.#knownQueues.add(parseOrThrow(QueueNameSchema, queue, { code: 'SY_INVALID_CONFIG', what: 'queues[]' }));
    this.#producer = new TransactionalSender({
      client: options.client,
      idPrefix: options.transactionalIdPrefix ?? `switchyard.producer.${options.client.clientId}`,
      // Batches stay under the lanes' limit as well as under the 1 MiB default.
      maxBatchBytes: Math.max(1, Math.min(900 * 1024, this.#options.maxMessageBytes - 1024)),
    });
    this.#admin = options.client.admin();
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    await Promise.all([this.#producer.connect(), this.#admin.connect()]);
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await Promise.all([this.#producer.disconnect(), this.#admin.disconnect()]);
  }

  /** Enqueues one task; resolves when Kafka acknowledged it. */
  async enqueue(task: EnqueueTask, options: EnqueueOptions = {}): Promise<EnqueueReceipt> {
    const [receipt] = await this.enqueueMany([{ task, options }]);
    return receipt!;
  }

  /**
   * Enqueues many tasks in one transaction. Every task is validated first: one invalid task
   * rejects the call and nothing is sent. When Kafka refuses the call, nothing of it becomes
   * visible (the transaction is aborted) and the error names the items at fault
   * (SY_PAYLOAD_TOO_LARGE with `details.items`) or the broker's reason (SY_KAFKA_UNAVAILABLE).
   */
  async enqueueMany(items: readonly (EnqueueTask | { task: EnqueueTask; options?: EnqueueOptions })[]): Promise<EnqueueReceipt[]> {
    if (!this.#connected) await this.connect();
    const prepared = items.map((item, index) => {
      const { task, options } = 'type' in item ? { task: item, options: {} } : item;
      return this.#prepare(task, options ?? {}, items.length > 1 ? `tasks[${index}]` : 'task');
    });
    await Promise.all([...new Set(prepared.map((p) => p.task.queue))].map((queue) => this.#requireQueue(queue)));
    const byTopic = new Map<string, OutgoingRecord[]>();
    const labels = new Map<OutgoingRecord, string>();
    const add = (topic: string, record: OutgoingRecord) => {
      const list = byTopic.get(topic);
      if (list) list.push(record);
      else byTopic.set(topic, [record]);
    };
    prepared.forEach((p, index) => {
      add(p.topic, p.record);
      labels.set(p.record, `${items.length > 1 ? `tasks[${index}]` : 'task'} (id ${p.task.id})`);
      if (p.status) add(taskStatusTopic(p.task.queue), p.status);
    });
    const batch: TopicRecords[] = [...byTopic].map(([topic, records]) => ({ topic, records }));
    const acks = await this.#producer.send(batch, (record) => labels.get(record));
    return Promise.all(
      prepared.map(async (p) => ({
        taskId: p.task.id,
        queue: p.task.queue,
        topic: p.topic,
        partition: p.record.key == null ? (acks.find((a) => a.topic === p.topic)?.partition ?? -1) : partitionForKey(p.record.key, await this.#partitionCount(p.topic)),
        ...(p.notBefore ? { notBefore: p.notBefore } : {}),
      })),
    );
  }

  /**
   * Enqueues a protocol BatchTask as one task whose payload is `{ items }`: a worker runs the
   * items in chunks of `batchSize` (parallel or sequential, `stopOnError`), writing BatchProgress
   * to the status topic after each chunk. `onProgress` cannot travel through Kafka: pass
   * `onBatchProgress` to the worker instead, or run the batch in-process with `runBatch`.
   */
  async enqueueBatch(input: Omit<BatchTaskInput, 'id'> & { readonly id?: string }, options: EnqueueOptions = {}): Promise<EnqueueReceipt> {
    if (input.onProgress !== undefined) {
      throw new SwitchyardError('SY_INVALID_TASK', 'batch.onProgress: a function cannot be sent through Kafka.', {
        hint: 'Give the worker an onBatchProgress hook (createWorker deps), read progress with readTaskStatus, or call runBatch in-process.',
      });
    }
    const batch = parseOrThrow(BatchTaskSchema, { ...input, id: input.id ?? randomUUID() }, { code: 'SY_INVALID_TASK', what: 'batch' });
    const [receipt] = await this.enqueueMany([
      {
        task: { id: batch.id, type: batch.type, queue: batch.queue, priority: batch.priority, payload: { items: batch.items } },
        options: { ...options, batch: { batchSize: batch.batchSize, parallel: batch.parallel, stopOnError: batch.stopOnError } },
      },
    ]);
    return receipt!;
  }

  /**
   * Requests cancellation of a task. A worker skips it if it has not started (status
   * `cancelled`), or fires its AbortSignal if it is running. Resolves when the request is durable.
   */
  async cancel(queue: string, taskId: string): Promise<void> {
    if (!this.#connected) await this.connect();
    await this.#requireQueue(queue);
    await this.#producer.send([
      { topic: taskCancelTopic(queue), records: [{ key: taskId, value: JSON.stringify({ taskId, cancelledAt: new Date(this.#options.now()).toISOString() }) }] },
    ]);
  }

  /** The task as the protocol parses it (id generated when missing), refused with SY_INVALID_TASK naming the field. */
  #parseTask(input: EnqueueTask, options: EnqueueOptions, what: string): Task {
    if (options.traceparent !== undefined && !TRACEPARENT.test(options.traceparent)) {
      throw new SwitchyardError('SY_INVALID_TASK', `${what} options.traceparent: "${options.traceparent}" is not a W3C traceparent.`, {
        hint: 'Pass the traceparent header of the current span (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>), or leave it out.',
      });
    }
    const task = parseOrThrow(TaskSchema, { ...input, id: input.id ?? randomUUID() }, { code: 'SY_INVALID_TASK', what });
    if (task.status !== 'pending' && task.status !== 'queued') {
      throw new SwitchyardError('SY_INVALID_TASK', `${what} ${task.id}: status "${task.status}" cannot be enqueued; an enqueued task is queued, and its later statuses come from the worker.`, {
        hint: 'Leave Task.status out (or pending/queued). To run a dead task again, redrive it with `switchyard dlq redrive`.',
        details: { taskId: task.id, status: task.status },
      });
    }
    return task;
  }

  #prepare(input: EnqueueTask, options: EnqueueOptions, what: string): Prepared {
    const task = this.#parseTask(input, options, what);
    const now = this.#options.now();
    const scheduledMs = task.scheduledAt ? Date.parse(task.scheduledAt) : undefined;
    const remaining = scheduledMs === undefined ? 0 : scheduledMs - now;
    const tier = remaining > 0 ? chooseTier(remaining) : undefined;
    const notBefore = remaining > 0 ? new Date(scheduledMs!).toISOString() : undefined;
    const topic = tier ? retryTopic(task.queue, tier) : laneTopic(task.queue, task.priority);
    const createdAt = task.metadata?.createdAt ?? new Date(now).toISOString();
    const record = encodeTaskEnvelope({
      taskId: task.id,
      type: task.type,
      queue: task.queue,
      priority: task.priority,
      attempt: task.attempts,
      createdAt,
      payload: task.payload,
      ...defined({
        tenant: options.tenant,
        orderingKey: options.orderingKey,
        notBefore,
        timeoutMs: task.timeoutMs,
        retryPolicy: task.retryPolicy,
        traceparent: options.traceparent,
        tracestate: options.tracestate,
        batch: options.batch,
        updatedAt: task.metadata?.updatedAt,
        createdBy: task.metadata?.createdBy,
        tags: task.metadata?.tags,
      }),
    });
    const size = recordSizeBytes(record);
    if (size > this.#options.maxMessageBytes) {
      throw new SwitchyardError('SY_PAYLOAD_TOO_LARGE', `${what} ${task.id}: ${size} bytes is more than the ${this.#options.maxMessageBytes} bytes a lane accepts.`, {
        hint: 'Store large data elsewhere (object storage) and pass a reference in the payload, or raise maxMessageBytes of the queue topology.',
        details: { taskId: task.id, size, limit: this.#options.maxMessageBytes },
      });
    }
    const status = this.#options.writeStatus
      ? encodeTaskStatus({
          taskId: task.id,
          queue: task.queue,
          type: task.type,
          status: 'queued',
          attempt: task.attempts,
          updatedAt: new Date(now).toISOString(),
          metadata: { ...task.metadata, createdAt },
          ...defined({ tenant: options.tenant, nextAttemptAt: notBefore }),
        })
      : undefined;
    return { task, topic, record, ...(status ? { status } : {}), ...(notBefore ? { notBefore } : {}) };
  }

  readonly #partitionCounts = new Map<string, number>();

  async #partitionCount(topic: string): Promise<number> {
    let count = this.#partitionCounts.get(topic);
    if (count === undefined) {
      count = (await this.#admin.describeTopics([topic]))[0]?.partitions.length ?? 1;
      this.#partitionCounts.set(topic, count);
    }
    return count;
  }

  async #requireQueue(queue: string): Promise<void> {
    if (this.#knownQueues.has(queue)) return;
    if (!this.#options.queues) {
      const topics = new Set(await this.#admin.listTopics());
      if (topics.has(laneTopic(queue, 'normal'))) {
        this.#knownQueues.add(queue);
        return;
      }
    }
    throw new SwitchyardError('SY_UNKNOWN_QUEUE', `Queue "${queue}" is unknown${this.#options.queues ? ` (this producer writes to: ${this.#options.queues.join(', ') || 'none'})` : ': its lane topics do not exist'}.`, {
      hint: `Create its topics with ensureTopology(admin, { name: '${queue}' }) (npm start does it for the example queue), or fix the queue name.`,
      details: { queue },
    });
  }
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
