import type { QueueConfig } from '@switchyard/protocol';
import { laneTopics, parseTaskTopic, queueDlqTopic, type ConsumerPort, type KafkaClient } from '@switchyard/kafka';
import { KeyBlocks, KeyedExecutor, LaneDispatcher, RoomPauses, TenantLimiter, TokenBucket } from '@switchyard/pipeline';
import type { QueueRuntimeOptions } from '../worker.options.js';
import type { WorkItem } from './work-item.js';

/** Everything a worker keeps per queue: buffers, executor, ordered-retry blocks, rate limits. */
export class QueueRuntime {
  readonly config: QueueConfig;
  readonly runtime: QueueRuntimeOptions;
  /** Where dead letters go: `QueueConfig.deadLetterQueue`, else `tasks.<queue>.dlq` (validated here, at construction). */
  readonly dlqTopic: string;
  readonly dispatcher: LaneDispatcher<WorkItem>;
  readonly executor: KeyedExecutor;
  readonly blocks = new KeyBlocks();
  /** Latest known notBefore of each blocked key's head (for parking later tasks efficiently). */
  readonly headNotBefore = new Map<string, number>();
  /** Queue-wide rate limit, re-shared by assigned partitions after each rebalance. */
  readonly bucket: TokenBucket | undefined;
  readonly tenantLimiter: TenantLimiter | undefined;
  /** Partitions paused because a lane buffer was full, by lane. */
  readonly roomPauses: RoomPauses;
  /** Assigned / total partitions of the normal lane, for sharing the rate limit. */
  assignedPartitions = 0;
  totalPartitions = 0;

  constructor(config: QueueConfig, runtime: QueueRuntimeOptions, consumer: () => ConsumerPort | undefined) {
    this.roomPauses = new RoomPauses(consumer);
    this.config = config;
    this.runtime = runtime;
    this.dlqTopic = queueDlqTopic(config);
    this.dispatcher = new LaneDispatcher<WorkItem>({
      bufferSize: runtime.laneBufferSize ?? defaultLaneBufferSize(config.concurrency),
      minLowerLaneShare: runtime.minLowerLaneShare,
    });
    this.executor = new KeyedExecutor({
      concurrency: config.concurrency,
      ...(runtime.tenantConcurrency ? { perTenantConcurrency: runtime.tenantConcurrency } : {}),
    });
    this.bucket = config.rateLimit ? new TokenBucket({ max: config.rateLimit.max, durationMs: config.rateLimit.duration }) : undefined;
    this.tenantLimiter = runtime.tenantRateLimit
      ? new TenantLimiter({ maxPerTenant: runtime.tenantRateLimit.max, durationMs: runtime.tenantRateLimit.duration })
      : undefined;
  }

  /** Tasks waiting for their tenant's rate-limit token (before they enter the executor). */
  tokenWaiters = 0;
  /** Attempts finished per queue, for WorkerStats. */
  readonly counts = { completed: 0, failed: 0 };

  /**
   * Room to start another task: slots are taken only by tasks that run or wait for nothing but
   * a slot, so a hot key or a capped / rate-limited tenant never holds back other tenants. Tasks
   * parked behind their key or tenant are bounded separately (10 x concurrency).
   */
  hasCapacity(): boolean {
    return this.executor.hasRoom(this.tokenWaiters);
  }
}

/** Partition count of each queue (its normal lane), to share a queue-wide rate limit by assigned partitions. */
export async function readPartitionCounts(client: KafkaClient, queues: ReadonlyMap<string, QueueRuntime>): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    const described = await admin.describeTopics([...queues.keys()].map((queue) => laneTopics(queue)[2]!));
    for (const topic of described) {
      const queue = parseTaskTopic(topic.topic)?.queue;
      const q = queue ? queues.get(queue) : undefined;
      if (q) q.totalPartitions = topic.partitions.length;
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Tasks buffered per lane by default: max(5000, 20 x concurrency). Enough for what one fetch round
 * brings (6 partitions of ~1 KB tasks at 1 MiB each is ~6,000), so the next fetch is under way
 * while the buffer drains. With 1,000 the no-op benchmark ran 25-27k tasks/s, with 3,000-5,000
 * 29-33k (bench/README.md, 2026-12-07).
 */
export function defaultLaneBufferSize(concurrency: number): number {
  return Math.max(5_000, concurrency * 20);
}
