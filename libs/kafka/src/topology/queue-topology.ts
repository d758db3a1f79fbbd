import { parseOrThrow, QueueConfigSchema, type QueueConfigInput } from '@switchyard/protocol';
import { laneTopics, QUEUE_REGISTRY_TOPIC, queueDlqTopic, retryTopic, RETRY_TIERS, taskCancelTopic, taskStatusTopic } from '../catalog/topic-names.js';
import type { TopicSpec } from '../client/kafka-client.port.js';
import { QueueTopologyOptionsSchema, type QueueTopologyOptionsInput } from './topology.options.js';

/**
 * The topics one queue needs, with their settings: five lanes, one topic per retry tier, the DLQ
 * (`QueueConfig.deadLetterQueue` when named, else `tasks.<queue>.dlq`) and the compacted status
 * and cancel topics; with a named DLQ also the compacted `switchyard.state.queues`, where workers
 * record which DLQ a queue uses (one partition). Pure: no I/O.
 */
export function planQueueTopology(queue: QueueConfigInput, optionsInput: QueueTopologyOptionsInput = {}): TopicSpec[] {
  const config = parseOrThrow(QueueConfigSchema, queue, { code: 'SY_INVALID_CONFIG', what: 'QueueConfig' });
  const options = parseOrThrow(QueueTopologyOptionsSchema, optionsInput, { code: 'SY_INVALID_CONFIG', what: 'QueueTopologyOptions' });
  const base: Record<string, string> = {
    'max.message.bytes': String(options.maxMessageBytes),
    ...(options.minInsyncReplicas !== undefined ? { 'min.insync.replicas': String(options.minInsyncReplicas) } : {}),
  };
  const spec = (topic: string, configs: Record<string, string>): TopicSpec => ({
    topic,
    numPartitions: options.partitions,
    replicationFactor: options.replicationFactor,
    configs: { ...base, ...configs },
  });
  const deleteAfter = (ms: number) => ({ 'cleanup.policy': 'delete', 'retention.ms': String(ms) });
  return [
    ...laneTopics(config.name).map((topic) => spec(topic, deleteAfter(options.laneRetentionMs))),
    ...RETRY_TIERS.map((tier) => spec(retryTopic(config.name, tier), deleteAfter(options.laneRetentionMs))),
    spec(queueDlqTopic(config), deleteAfter(options.dlqRetentionMs)),
    spec(taskStatusTopic(config.name), {
      // Latest status per task id; finished tasks age out after statusRetentionMs.
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(options.statusRetentionMs),
      'min.cleanable.dirty.ratio': '0.1',
      'segment.ms': String(Math.min(options.statusRetentionMs, 3_600_000)),
    }),
    // One record per cancelled task id, kept as long as the task could still be waiting in a lane.
    spec(taskCancelTopic(config.name), {
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(options.laneRetentionMs),
      'segment.ms': String(Math.min(options.laneRetentionMs, 3_600_000)),
    }),
    ...(config.deadLetterQueue === undefined ? [] : [{ ...spec(QUEUE_REGISTRY_TOPIC, { 'cleanup.policy': 'compact' }), numPartitions: 1 }]),
  ];
}
