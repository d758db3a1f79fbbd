/** What `switchyard topics` reports: the task topics of each queue with their settings and size. */
import { LANES, RETRY_TIERS, parseTaskTopic, taskDlqRedrivenTopic, type AdminPort, type ParsedTopic, type TopicPartitionOffset } from '@switchyard/kafka';

export interface TopicRow {
  readonly topic: string;
  /** lane, retry, dlq, status, cancel, or dlq-marker (the CLI's redrive markers). */
  readonly kind: ParsedTopic['kind'] | 'dlq-marker';
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly retentionMs: string | null;
  readonly cleanupPolicy: string | null;
  /** Records retained: sum over partitions of high - low (compacted topics count offsets, not live keys). */
  readonly records: number;
  /**
   * With --group: records after the group's committed offsets (a partition without one counts
   * from its low offset); null when the group committed nothing on the topic.
   */
  readonly lag?: number | null;
}

export interface QueueReport {
  readonly queue: string;
  readonly topics: TopicRow[];
}

const KIND_ORDER = ['lane', 'retry', 'dlq', 'status', 'cancel', 'dlq-marker'];

/** Sort key of a topic inside its queue: lanes most urgent first, tiers shortest first, then the rest. */
export function topicRank(topic: string): number {
  const parsed = parseTaskTopic(topic);
  if (!parsed) return KIND_ORDER.length * 100;
  const within = parsed.kind === 'lane' ? LANES.indexOf(parsed.lane) : parsed.kind === 'retry' ? RETRY_TIERS.findIndex((t) => t.name === parsed.tier) : 0;
  return KIND_ORDER.indexOf(parsed.kind) * 100 + (within < 0 ? 99 : within);
}

/**
 * The topics of each queue, grouped and ordered (only `queue` when given); `namedDlqs` adds each
 * queue's named DLQ topic (QueueConfig.deadLetterQueue, from switchyard.state.queues).
 */
export function groupByQueue(topics: readonly string[], queue?: string, namedDlqs: ReadonlyMap<string, string> = new Map()): Map<string, string[]> {
  const byQueue = new Map<string, string[]>();
  const add = (q: string, topic: string) => byQueue.set(q, [...(byQueue.get(q) ?? []), topic]);
  for (const topic of topics) {
    const parsed = parseTaskTopic(topic);
    if (parsed && (queue === undefined || parsed.queue === queue)) add(parsed.queue, topic);
  }
  for (const [q, dlq] of namedDlqs) {
    if (byQueue.has(q) && topics.includes(dlq) && !byQueue.get(q)!.includes(dlq)) add(q, dlq);
  }
  for (const [q, list] of byQueue) {
    if (topics.includes(taskDlqRedrivenTopic(q))) list.push(taskDlqRedrivenTopic(q));
    list.sort((a, b) => topicRank(a) - topicRank(b) || a.localeCompare(b));
  }
  return new Map([...byQueue].sort(([a], [b]) => a.localeCompare(b)));
}

/** Lag of a group on one topic from its partitions' offsets and the group's committed offsets. */
export function lagOf(offsets: readonly { partition: number; low: string; high: string }[], committed: readonly TopicPartitionOffset[]): number | null {
  if (!committed.some((c) => BigInt(c.offset) >= 0n)) return null;
  let lag = 0n;
  for (const o of offsets) {
    const c = committed.find((x) => x.partition === o.partition);
    const from = c && BigInt(c.offset) >= 0n ? BigInt(c.offset) : BigInt(o.low);
    if (BigInt(o.high) > from) lag += BigInt(o.high) - from;
  }
  return Number(lag);
}

/** Reads partitions, configs, offsets (and the group's offsets) of every topic. */
export async function buildReport(admin: AdminPort, grouped: Map<string, string[]>, group?: string): Promise<QueueReport[]> {
  const all = [...grouped.values()].flat();
  const [descriptions, configs, committed] = await Promise.all([
    admin.describeTopics(all),
    admin.describeTopicConfigs(all),
    group === undefined ? Promise.resolve([]) : admin.groupOffsets(group, all),
  ]);
  const offsets = new Map(await Promise.all(all.map(async (t) => [t, await admin.topicOffsets(t)] as const)));
  const row = (topic: string): TopicRow => {
    const partitions = descriptions.find((d) => d.topic === topic)?.partitions ?? [];
    const topicOffsets = offsets.get(topic) ?? [];
    const kind = parseTaskTopic(topic)?.kind ?? 'dlq-marker';
    return {
      topic,
      kind,
      partitions: partitions.length,
      replicationFactor: partitions[0]?.replicas.length ?? 0,
      retentionMs: configs[topic]?.['retention.ms'] ?? null,
      cleanupPolicy: configs[topic]?.['cleanup.policy'] ?? null,
      records: topicOffsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0),
      ...(group !== undefined ? { lag: lagOf(topicOffsets, committed.filter((c) => c.topic === topic)) } : {}),
    };
  };
  return [...grouped].map(([queue, topics]) => ({ queue, topics: topics.map(row) }));
}

/** `604800000` -> `7d`; anything that is not a whole unit stays in ms. */
export function formatRetention(ms: string | null): string {
  if (ms === null) return '-';
  if (ms === '-1') return 'forever';
  const n = Number(ms);
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return `${ms}ms`;
}
