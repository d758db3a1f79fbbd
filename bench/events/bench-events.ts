/**
 * What the event bus benchmarks share: a fresh event domain per run, the bench events (the bus's
 * input and the identical CloudEvents record a bare producer sends), the bare contenders' topics,
 * and the cleanup of everything a run created.
 */
import { randomUUID } from 'node:crypto';
import { encodeEventRecord, ensureTopics, JSON_CONTENT_TYPE, laneTopic, subscriptionGroup, type OutgoingRecord } from '@switchyard/kafka';
import { EventTopologyOptionsSchema, planDomainTopics, type PublishEvent } from '@switchyard/events';
import type { BenchKafka } from '../worker/bench-kafka.js';
import { sleep, waitUntilAsync } from '../worker/bench-timing.js';

/** The event every benchmark publishes: `<domain>.user.created`. */
export const eventName = (domain: string) => `${domain}.user.created`;

/** A domain no other run uses: `d<8 hex>` (event domains are `[a-z][a-z0-9_]*`). */
export function freshDomain(): string {
  return `d${randomUUID().replaceAll('-', '').slice(0, 8)}`;
}

/** The tenant of event `i`: the record key, so a tenant's events share a partition. */
export const tenantOf = (i: number, tenants: number) => `tenant-${i % tenants}`;

/** The bus's input for event `i`. */
export function busEvent(domain: string, i: number, tenants: number, payload: unknown, timestamp = new Date().toISOString()): PublishEvent {
  return { name: eventName(domain), payload, metadata: { source: 'bench', timestamp, tenantId: tenantOf(i, tenants) } };
}

/**
 * The record the bus writes for {@link busEvent} (CloudEvents binary mode: `ce_*` headers, tenant
 * key, JSON value), built with the same encoder, so the bare producer sends the same bytes.
 */
export function bareRecord(domain: string, i: number, tenants: number, payload: unknown, timestamp = new Date().toISOString()): OutgoingRecord {
  const attributes = { id: randomUUID(), name: eventName(domain), source: 'bench', timestamp, priority: 'normal' as const, contentType: JSON_CONTENT_TYPE, tenantId: tenantOf(i, tenants) };
  return encodeEventRecord(attributes, Buffer.from(JSON.stringify(payload), 'utf8'));
}

/** An OutgoingRecord as a kafkajs message. */
export function toKafkajsMessage(record: OutgoingRecord): { key: string | Buffer | null; value: string | Buffer | null; headers: Record<string, string | Buffer> } {
  return { key: record.key ?? null, value: record.value ?? null, headers: { ...record.headers } as Record<string, string | Buffer> };
}

/**
 * The bare contenders' topic: the normal lane name of queue `bench_events_<domain>_<role>`, so
 * the worker benchmark's bare kafkajs consumer (`runBareKafkajs`) reads it unchanged.
 */
export function bareQueue(domain: string, role: 'tp' | 'lat'): { readonly queue: string; readonly topic: string } {
  const queue = `bench_events_${domain}_${role}`;
  return { queue, topic: laneTopic(queue, 'normal') };
}

/** Creates a plain topic (no bus configs) and waits for its leaders. */
export async function createBareTopic(k: BenchKafka, topic: string, partitions: number): Promise<void> {
  await k.rawAdmin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true, timeout: 30_000 });
}

/** Creates a domain's event topics up front, as the bus would on its first publish, so topic creation is not timed. */
export async function createDomainTopics(k: BenchKafka, domain: string, partitions: number): Promise<void> {
  await ensureTopics(k.admin, planDomainTopics(domain, EventTopologyOptionsSchema.parse({ partitions })));
}

/** Sum of a group's committed offsets on one topic (partitions without a commit count 0). */
export async function committedOffsets(k: BenchKafka, groupId: string, topic: string): Promise<number> {
  const [offsets] = await k.rawAdmin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** What one run created: event domains, subscriptions (with their groups), bare queues' topics and groups. */
export class RunResources {
  readonly domains = new Set<string>();
  readonly subscriptions = new Set<string>();
  readonly bareTopics = new Set<string>();
  readonly bareGroups = new Set<string>();

  /**
   * Deletes `events.<domain>*` (lanes, DLQs), `switchyard.subscription.<sub>.*`, the bare topics,
   * the subscriptions' and bare groups; re-checks until nothing is left (deadline 60 s). The
   * shared `switchyard.event-log` topic is left alone (other users of the broker write to it).
   */
  async cleanup(k: BenchKafka): Promise<{ readonly topics: number; readonly groups: number }> {
    const ours = (t: string) =>
      [...this.domains].some((d) => t === `events.${d}` || t.startsWith(`events.${d}.`)) ||
      [...this.subscriptions].some((s) => t.startsWith(`switchyard.subscription.${s}.`)) ||
      this.bareTopics.has(t);
    const groups = [...[...this.subscriptions].map(subscriptionGroup), ...this.bareGroups];
    if (groups.length > 0) await k.rawAdmin.deleteGroups(groups).catch(() => undefined);
    let deleted = 0;
    let left: string[] = [];
    await waitUntilAsync(
      async () => {
        left = (await k.admin.listTopics()).filter(ours);
        if (left.length === 0) return true;
        deleted = Math.max(deleted, left.length);
        await k.admin.deleteTopics(left).catch(() => undefined);
        await sleep(500);
        return false;
      },
      { what: 'bench topics deleted', timeoutMs: 60_000, intervalMs: 500, progress: () => `left: ${left.join(', ')}` },
    );
    return { topics: deleted, groups: groups.length };
  }
}

/** This process's CPU time and event-loop utilisation over one piece of work. */
export interface ProcessLoad {
  /** User + system CPU time of the whole process (all threads) per event, ms. */
  readonly cpuMsPerEvent: number;
  /** Share of the wall time the main thread's event loop was busy (0..1). */
  readonly eventLoopUtilization: number;
}

/** Starts measuring; call the returned function with the event count when the work is done. */
export function processLoad(): (events: number) => ProcessLoad {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return (events) => {
    const used = process.cpuUsage(cpu);
    return {
      cpuMsPerEvent: Math.round(((used.user + used.system) / 1000 / Math.max(1, events)) * 1000) / 1000,
      eventLoopUtilization: Math.round(performance.eventLoopUtilization(elu).utilization * 1000) / 1000,
    };
  };
}
