import { ensureTopics, schedulerJobsTopic, schedulerLogTopic, type AdminPort, type TopicSpec } from '@switchyard/kafka';
import { SwitchyardError } from '@switchyard/protocol';
import type { SchedulerOptions } from '../scheduler.options.js';

/** The scheduler's two topics: the compacted jobs topic and the job log. */
export function planSchedulerTopics(options: Pick<SchedulerOptions, 'name' | 'partitions' | 'replicationFactor' | 'logRetentionMs'>): TopicSpec[] {
  return [
    {
      topic: schedulerJobsTopic(options.name),
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000' },
    },
    {
      topic: schedulerLogTopic(options.name),
      numPartitions: options.partitions,
      replicationFactor: options.replicationFactor,
      configs: { 'cleanup.policy': 'delete', 'retention.ms': String(options.logRetentionMs) },
    },
  ];
}

/**
 * Creates the scheduler's topics when missing. The jobs topic's partition count must match the
 * options: jobs are placed by key, so a different count would put them where no owner looks.
 * @throws SwitchyardError `SY_TOPOLOGY_DRIFT` when the jobs topic has another partition count.
 */
export async function ensureSchedulerTopics(admin: AdminPort, options: Pick<SchedulerOptions, 'name' | 'partitions' | 'replicationFactor' | 'logRetentionMs'>): Promise<void> {
  const report = await ensureTopics(admin, planSchedulerTopics(options));
  const partitions = report.drift.find((d) => d.topic === schedulerJobsTopic(options.name) && d.setting === 'partitions');
  if (partitions) {
    throw new SwitchyardError('SY_TOPOLOGY_DRIFT', `${partitions.topic} has ${partitions.actual} partitions, the scheduler options say ${partitions.expected}.`, {
      hint: `Set the scheduler's partitions to ${partitions.actual} (every process and the CLI must agree).`,
    });
  }
}
