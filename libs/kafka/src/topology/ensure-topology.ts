import type { QueueConfigInput } from '@switchyard/protocol';
import type { AdminPort } from '../client/kafka-client.port.js';
import { ensureTopics, type EnsureTopicsOptions, type TopologyReport } from './ensure-topics.js';
import { planQueueTopology } from './queue-topology.js';
import type { QueueTopologyOptionsInput } from './topology.options.js';

/**
 * Creates a queue's topics (lanes, retry tiers, DLQ, status) with their partitions, replication,
 * retention and compaction, and reports drift of the ones that already exist. Running it twice
 * changes nothing.
 */
export function ensureTopology(
  admin: AdminPort,
  queue: QueueConfigInput,
  options: QueueTopologyOptionsInput & EnsureTopicsOptions = {},
): Promise<TopologyReport> {
  const { onDrift, ...layout } = options;
  return ensureTopics(admin, planQueueTopology(queue, layout), onDrift ? { onDrift } : {});
}
