import type { TaskPriority } from '@switchyard/protocol';
import type { IncomingRecord, TaskEnvelope } from '@switchyard/kafka';
import type { PartitionOffsetTracker } from '@switchyard/pipeline';

/** A decoded task taken from a lane or retry partition, waiting to run or running. */
export interface WorkItem {
  readonly queue: string;
  readonly lane: TaskPriority;
  readonly record: IncomingRecord;
  readonly envelope: TaskEnvelope;
  readonly tracker: PartitionOffsetTracker;
  /** Came from a retry tier (a retry or a parked task) rather than a lane. */
  readonly fromRetry: boolean;
}

/** The key tasks are ordered by: the ordering key, else the tenant; undefined = unordered. */
export function orderingKeyOf(envelope: TaskEnvelope): string | undefined {
  return envelope.orderingKey ?? envelope.tenant;
}
