import { z } from 'zod';

const DAY_MS = 86_400_000;

/**
 * How a queue's topics are laid out on the cluster. Defaults suit a single local broker; raise
 * `replicationFactor` (and `minInsyncReplicas`) on a real cluster.
 */
export const QueueTopologyOptionsSchema = z
  .object({
    /** Partitions of every lane, retry, DLQ and status topic (the queue's unit of parallelism across workers). */
    partitions: z.number().int().min(1).max(10_000).default(6),
    /** Replicas of each partition. Must not exceed the number of brokers. */
    replicationFactor: z.number().int().min(1).max(16).default(1),
    /** `min.insync.replicas` of each topic; unset keeps the broker default. */
    minInsyncReplicas: z.number().int().min(1).optional(),
    /** How long lane and retry records are kept (ms). Default 7 days. */
    laneRetentionMs: z.number().int().min(60_000).default(7 * DAY_MS),
    /** How long dead letters are kept (ms). Default 30 days: room to fix the bug and redrive. */
    dlqRetentionMs: z.number().int().min(60_000).default(30 * DAY_MS),
    /** How long status records of finished tasks are kept after compaction (ms). Default 7 days. */
    statusRetentionMs: z.number().int().min(60_000).default(7 * DAY_MS),
    /** Largest record the lanes accept (bytes); producers refuse bigger payloads up front. Default 1 MiB. */
    maxMessageBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(1_048_576),
  })
  .strict()
  .refine((o) => o.minInsyncReplicas === undefined || o.minInsyncReplicas <= o.replicationFactor, {
    path: ['minInsyncReplicas'],
    message: 'must be <= replicationFactor, or no write could ever be acknowledged',
  });

export type QueueTopologyOptions = z.output<typeof QueueTopologyOptionsSchema>;
export type QueueTopologyOptionsInput = z.input<typeof QueueTopologyOptionsSchema>;
