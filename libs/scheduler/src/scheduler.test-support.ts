import { onTestFinished } from 'vitest';
import { createLogger, ensureTopology, planQueueTopology, SCHEDULER_HEADERS, schedulerFollowGroup, schedulerGroup, TASK_HEADERS, laneTopic, workerGroup, type IncomingRecord, type KafkaClient } from '@switchyard/kafka';
import { collectTopics, testAdmin, testClient, uniqueName } from '@switchyard/testing';
import { planSchedulerTopics } from './store/scheduler-topics.js';
import { JobStore } from './store/job-store.js';
import { Scheduler, type SchedulerDeps } from './runtime/scheduler.js';
import type { SchedulerOptionsInput } from './scheduler.options.js';

/** A fired task as read back from the lane topic. */
export interface FiredRecord {
  readonly jobId: string;
  readonly tick: number;
  readonly trigger: string;
  readonly taskId: string;
}

export function firedRecord(record: IncomingRecord): FiredRecord | undefined {
  const jobId = record.headers[SCHEDULER_HEADERS.jobId]?.toString();
  const tick = record.headers[SCHEDULER_HEADERS.tick]?.toString();
  if (!jobId || !tick) return undefined;
  return { jobId, tick: Date.parse(tick), trigger: record.headers[SCHEDULER_HEADERS.trigger]?.toString() ?? '', taskId: record.headers[TASK_HEADERS.taskId]?.toString() ?? '' };
}

/**
 * A fresh scheduler name and queue (own topics, deleted after the test), a JobStore, a live
 * reader of the fired tasks and a way to start schedulers in this process.
 */
export async function setupScheduler(partitions = 3) {
  const client: KafkaClient = testClient();
  const admin = await testAdmin(client);
  const name = uniqueName('sch');
  const queue = uniqueName('sq');
  const options = { name, partitions, sessionTimeoutMs: 6_000, pollIntervalMs: 20 } satisfies SchedulerOptionsInput;
  admin.deleteAfterTest([...planSchedulerTopics({ name, partitions, replicationFactor: 1, logRetentionMs: 3_600_000 }).map((s) => s.topic), ...planQueueTopology({ name: queue }, { partitions: 3 }).map((s) => s.topic)]);
  // The scheduler's groups and the group of a worker named w-<queue> (the job-log tests) go too.
  admin.deleteGroupsAfterTest([schedulerGroup(name), schedulerFollowGroup(name), workerGroup(`w-${queue}`)]);
  await ensureTopology(admin, { name: queue }, { partitions: 3 });
  const store = new JobStore(client, { name, partitions });
  await store.connect();
  onTestFinished(() => store.disconnect());
  const lane = await collectTopics(client, [laneTopic(queue, 'normal')]);
  const schedulers: Scheduler[] = [];
  onTestFinished(async () => {
    await Promise.all(schedulers.map((s) => s.close()));
  });
  return {
    client,
    admin,
    name,
    queue,
    options,
    store,
    /** Tasks fired so far (of one job), sorted by tick (the lane's partitions interleave them). */
    fired(jobId?: string): FiredRecord[] {
      return lane.records
        .map(firedRecord)
        .filter((f): f is FiredRecord => f !== undefined && (jobId === undefined || f.jobId === jobId))
        .sort((a, b) => a.tick - b.tick);
    },
    async startScheduler(overrides: Partial<SchedulerOptionsInput> = {}, deps: SchedulerDeps = {}) {
      const scheduler = new Scheduler(client, { ...options, ...overrides }, { log: createLogger(`scheduler.${name}`, { level: process.env.LOG_LEVEL ?? 'warn' }), ...deps });
      schedulers.push(scheduler);
      await scheduler.start();
      return scheduler;
    },
  };
}

/** Ticks expected between two fired ticks of an interval job (exclusive of `from`). */
export function gaps(ticks: readonly number[], intervalMs: number): number[] {
  const sorted = [...ticks].sort((a, b) => a - b);
  return sorted.slice(1).map((t, i) => (t - sorted[i]!) / intervalMs - 1).filter((missing) => missing !== 0);
}
