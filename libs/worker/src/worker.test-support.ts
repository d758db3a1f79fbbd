import { onTestFinished } from 'vitest';
import { createLogger, ensureTopology, planQueueTopology, taskStatusTopic, decodeTaskStatus, workerGroup, type KafkaClient, type TaskStatusRecord } from '@switchyard/kafka';
import type { QueueConfigInput } from '@switchyard/protocol';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { TaskProducer } from './producer/task-producer.js';
import { createWorker, type Worker } from './worker.js';
import type { TaskHandlers } from './handler/task-handler.js';
import type { WorkerOptionsInput } from './worker.options.js';

/** A fresh queue (own topics, deleted after the test), a producer and a way to start workers. */
export async function setupQueue(queue: Omit<QueueConfigInput, 'name'> = {}, partitions = 3) {
  const client: KafkaClient = testClient();
  const admin = await testAdmin(client);
  const name = uniqueName('q').replace(/[^a-z0-9_-]/g, '');
  const config = { ...queue, name };
  admin.deleteAfterTest(planQueueTopology(config, { partitions }).map((s) => s.topic));
  await ensureTopology(admin, config, { partitions });
  const producer = new TaskProducer({ client, queues: [name] });
  await producer.connect();
  onTestFinished(() => producer.disconnect());
  const workers: Worker[] = [];
  onTestFinished(async () => {
    await Promise.all(workers.map((w) => w.close()));
  });
  return {
    client,
    admin,
    name,
    config,
    producer,
    async startWorker(handlers: TaskHandlers, options: Partial<Omit<WorkerOptionsInput, 'config'>> & { config?: Partial<WorkerOptionsInput['config']> } = {}) {
      // The worker's group holds committed offsets: deleted after the test, once the workers closed.
      admin.deleteGroupsAfterTest([workerGroup(options.config?.name ?? `w-${name}`)]);
      const worker = createWorker(
        client,
        {
          ...options,
          config: { name: `w-${name}`, queues: [name], queueConfigs: [config], ...options.config },
          commitIntervalMs: options.commitIntervalMs ?? 50,
        },
        handlers,
        // Tests that expect failures would flood the output with the worker's warnings.
        { log: createLogger(`worker.${name}`, { level: process.env.LOG_LEVEL ?? 'error' }) },
      );
      workers.push(worker);
      await worker.start();
      return worker;
    },
    /** Latest status record per task id, read live from the status topic. */
    async statuses() {
      const collector = await collectTopics(client, [taskStatusTopic(name)]);
      return {
        latest(): Map<string, TaskStatusRecord> {
          const map = new Map<string, TaskStatusRecord>();
          for (const r of collector.records) {
            const status = decodeTaskStatus(r);
            if (status) map.set(status.taskId, status);
          }
          return map;
        },
      };
    },
  };
}

