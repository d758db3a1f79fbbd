import { createHash, randomUUID } from 'node:crypto';
import { EventRouteSchema, parseOrThrow, SwitchyardError, type EventRouteInput } from '@switchyard/protocol';
import {
  batchRecords,
  decodeEventRecord,
  encodeDeadLetter,
  eventDlqTopic,
  parseEventTopic,
  compilePattern,
  EventPatternSchema,
  routeGroup,
  type CompiledPattern,
  type EventAttributes,
  type KafkaClient,
  type Logger,
  type OutgoingRecord,
  type RecordBatch,
} from '@switchyard/kafka';
import { ConsumeLoopRunner, OffsetTrackers, consumeLoopLifecycle, errorInfo, logUncommitted, type ConsumeLoopState, type Lifecycle } from '@switchyard/pipeline';
import type { EventMetrics } from '../metrics/event-metrics.js';
import type { EventPublisher } from '../publish/event-publisher.js';
import type { BusEvent } from '../subscribe/event-handler.js';
import { SubscriptionNameSchema } from '../subscribe/subscription.options.js';
import type { EventCodec } from '../catalog/event-codec.js';
import { ensureEventTopics, planDlqTopic, type EventTopologyOptions } from '../topology/event-topology.js';
import { toBusEvent } from '../subscribe/bus-event.js';
import { RegistryOutage } from '../subscribe/registry-outage.js';

/** A route: the protocol's EventRoute plus an id (its consumer group and transactional id). */
export type RouteDefinition = Omit<EventRouteInput, 'transform'> & {
  readonly id: string;
  /** Payload of the routed events (default: the source payload). Throwing dead-letters the source event. */
  readonly transform?: (event: BusEvent) => unknown;
};

export interface EventRouterDeps {
  readonly client: KafkaClient;
  readonly publisher: EventPublisher;
  readonly codec: EventCodec;
  readonly metrics: EventMetrics;
  readonly log: Logger;
  readonly topology: EventTopologyOptions;
  readonly commitIntervalMs?: number;
  /**
   * The route of a tenant-scoped bus: only events of this tenant are routed; tenantless events and
   * other tenants' are skipped (committed, neither routed nor dead-lettered), as a scoped subscription does.
   */
  readonly tenantId?: string;
}

/** Stable id of a routed event: the same source event routed again gets the same id (for dedup downstream). */
function routedId(routeId: string, sourceId: string, target: string): string {
  const hex = createHash('sha256').update(`${routeId}\u0000${sourceId}\u0000${target}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A consume-transform-publish processor: each event matching `from` is published again under
 * every name in `to` (payload through `transform`), with causationId = the source event and the
 * correlation id carried on. The routed events and the source offsets commit in one Kafka
 * transaction, and the route reads committed records only: exactly once, also across crashes.
 * Events the route wrote itself are never routed again (no loops). Its state follows the table in
 * the pipeline's consume-loop table (`consume-loop.lifecycle.ts`).
 */
export class EventRouter {
  readonly id: string;
  readonly #from: CompiledPattern;
  readonly #to: readonly string[];
  readonly #transform: ((event: BusEvent) => unknown) | undefined;
  readonly #deps: EventRouterDeps;
  readonly #trackers = new OffsetTrackers();
  readonly #source: string;
  /** Consumer, transactional producer and committer, started and closed in the pipeline's order. */
  #runner: ConsumeLoopRunner | undefined;
  /** Fetched batches being routed: close() waits for them (their routed events commit) before the final commit. */
  readonly #inFlight = new Set<Promise<void>>();
  readonly #lifecycle: Lifecycle<ConsumeLoopState>;
  /** A schema-registry outage: the route waits (nothing dead-lettered) until decoding and encoding get through. */
  readonly #registryOutage: RegistryOutage;
  /** Aborted when close() starts: an outage wait gives up (the event is routed by the next owner). */
  readonly #stopping = new AbortController();

  constructor(definition: RouteDefinition, deps: EventRouterDeps) {
    const parsed = parseOrThrow(EventRouteSchema, definition, { code: 'SY_INVALID_CONFIG', what: `route ${definition.id}` });
    const id = SubscriptionNameSchema.safeParse(definition.id);
    if (!id.success) throw new SwitchyardError('SY_INVALID_CONFIG', `route.id "${definition.id}" ${id.error.issues[0]!.message}.`, { hint: 'Give the route a short stable id such as "user-to-audit".' });
    const from = EventPatternSchema.safeParse(parsed.from);
    if (!from.success) throw new SwitchyardError('SY_INVALID_CONFIG', `route ${definition.id}: from "${parsed.from}" ${from.error.issues[0]!.message}.`);
    if (parsed.to.length === 0) throw new SwitchyardError('SY_INVALID_CONFIG', `route ${definition.id}: to must name at least one event.`);
    this.id = definition.id;
    this.#from = compilePattern(parsed.from);
    this.#to = parsed.to;
    this.#transform = definition.transform;
    this.#deps = deps;
    this.#source = `switchyard.route.${this.id}`;
    this.#lifecycle = consumeLoopLifecycle(`Route ${this.id}`);
    this.#registryOutage = new RegistryOutage({ route: this.id }, deps.log);
  }

  get state(): ConsumeLoopState {
    return this.#lifecycle.state;
  }

  async start(): Promise<void> {
    this.#lifecycle.to('starting', 'Create a new route instead of starting one again.');
    const { client, publisher, log } = this.#deps;
    const group = routeGroup(this.id);
    await publisher.ensureDomains([...this.#to, ...(this.#from.domain ? [this.#from.domain] : [])]);
    const admin = client.admin();
    await admin.connect();
    let topics: string[];
    try {
      topics = (await admin.listTopics()).filter((t) => this.#from.topics.test(t));
      const domains = [...new Set(topics.map((t) => parseEventTopic(t)!.domain))];
      await ensureEventTopics(admin, domains.map((d) => planDlqTopic(d, `route-${this.id}`, this.#deps.topology)));
    } finally {
      await admin.disconnect();
    }
    const runner = new ConsumeLoopRunner({
      client,
      consumer: { groupId: group, maxWaitTimeMs: 100 },
      transactionalId: `${group}.${randomUUID().slice(0, 12)}`,
      trackers: this.#trackers,
      commitIntervalMs: this.#deps.commitIntervalMs ?? 100,
      log,
      logContext: { route: this.id },
    });
    this.#runner = runner;
    await runner.start(
      {
        onAssignment: (assignment) => {
          for (const [topic, partitions] of Object.entries(assignment)) for (const p of partitions) this.#trackers.forPartition(topic, p);
        },
        // Partitions about to move: commit what was routed while still owned; lost ones: drop it.
        onRevoked: async (revoked, lost) => {
          if (!lost) return runner.committer.flush();
          for (const { topic, partitions = [] } of revoked) for (const p of partitions) this.#trackers.revoke(topic, p);
          await runner.committer.prune();
        },
        eachBatch: (batch) => this.#track(this.#onBatch(batch)),
      },
      {
        topics,
        fromBeginning: true,
        autoResolve: true,
        partitionsConsumedConcurrently: Math.min(topics.length, 8),
        // Records read in place from the fetched bytes, as the worker and subscriptions read them.
        rawRecords: true,
        // A close() during the start wins: the route stays stopping/stopped and fetches nothing.
        beforeFetch: () => {
          if (!this.#lifecycle.canMoveTo('running')) return false;
          this.#lifecycle.to('running');
          return true;
        },
      },
    );
    log.info({ route: this.id, from: this.#from.source, to: this.#to, topics: topics.length }, 'route running');
  }

  async close(): Promise<void> {
    // Also after a start that failed half-way: whatever was created is closed.
    if (!this.#lifecycle.canMoveTo('stopping') || !this.#runner) return;
    this.#lifecycle.to('stopping');
    this.#stopping.abort();
    // Batches under way stop after their current event and wait for their routed events to commit.
    await this.#runner.close(async () => {
      // allSettled: a batch that failed must not end the wait for the others.
      while (this.#inFlight.size > 0) await Promise.allSettled(this.#inFlight);
    });
    this.#lifecycle.to('stopped');
  }

  #track(batch: Promise<void>): Promise<void> {
    this.#inFlight.add(batch);
    return batch.finally(() => this.#inFlight.delete(batch));
  }

  async #onBatch(batch: RecordBatch): Promise<void> {
    const tracker = this.#trackers.forPartition(batch.topic, batch.partition);
    const committed: Promise<void>[] = [];
    for (const record of batchRecords(batch)) {
      if (this.#lifecycle.state !== 'running') break;
      if (!tracker.track(record.offset)) continue;
      const outputs = await this.#route(record, batch.topic);
      if (!outputs) break; // closing during a registry outage: not committed, routed by the next owner
      committed.push(this.#runner!.committer.submit({ records: outputs, complete: () => tracker.complete(record.offset), source: record, stale: () => tracker.revoked }));
    }
    // One transaction per fetched batch (at most): wait for all of it before fetching more.
    const failed = (await Promise.allSettled(committed)).find((r) => r.status === 'rejected');
    if (failed) logUncommitted(this.#deps.log, failed.reason, { route: this.id }, 'routed events were not committed; they will be routed again');
  }

  async #route(record: RecordBatch['records'][number], topic: string): Promise<{ topic: string; record: OutgoingRecord }[] | undefined> {
    const { metrics } = this.#deps;
    const decoded = decodeEventRecord(record);
    if (!decoded.ok) {
      metrics.countRouted(this.id, 'undecodable');
      return [this.#dead(record, topic, new SwitchyardError('SY_UNDECODABLE_MESSAGE', `Not a CloudEvent: ${decoded.reason}.`))];
    }
    const a = decoded.attributes;
    const otherTenant = this.#deps.tenantId !== undefined && a.tenantId !== this.#deps.tenantId;
    if (!this.#from.matches(a.name) || a.source === this.#source || otherTenant) {
      metrics.countRouted(this.id, 'skipped');
      return [];
    }
    const outcome = await this.#registryOutage.decode(() => this.#routed(a, decoded.data), this.#stopping.signal);
    if (outcome.ok === 'stopped') return undefined;
    if (outcome.ok) {
      metrics.countRouted(this.id, 'routed');
      return outcome.value;
    }
    this.#deps.log.warn({ err: outcome.error, route: this.id, eventId: a.id }, 'route could not transform the event: dead-lettered');
    metrics.countRouted(this.id, 'dead');
    return [this.#dead(record, topic, outcome.error)];
  }

  /** The routed records of one event: decoded, transformed, prepared under each target name. */
  async #routed(a: EventAttributes, data: Buffer | null): Promise<{ topic: string; record: OutgoingRecord }[]> {
    const event = toBusEvent(a, await this.#deps.codec.decode(a, data));
    const payload = this.#transform ? await this.#transform(event) : event.payload;
    const prepared = await Promise.all(
      this.#to.map((name) =>
        this.#deps.publisher.prepare({
          id: routedId(this.id, event.id, name),
          name,
          payload,
          metadata: {
            source: this.#source,
            timestamp: new Date().toISOString(),
            priority: event.metadata.priority,
            causationId: event.id,
            correlationId: event.metadata.correlationId ?? event.id,
            ...(event.metadata.tenantId ? { tenantId: event.metadata.tenantId } : {}),
            ...(event.metadata.userId ? { userId: event.metadata.userId } : {}),
          },
        }),
      ),
    );
    return prepared.map((p) => ({ topic: p.topic, record: p.record }));
  }

  #dead(record: RecordBatch['records'][number], topic: string, error: unknown): { topic: string; record: OutgoingRecord } {
    const info = errorInfo(error);
    const now = new Date().toISOString();
    const domain = parseEventTopic(topic)?.domain ?? 'unknown';
    return {
      topic: eventDlqTopic(domain, `route-${this.id}`),
      record: encodeDeadLetter(record, { code: info.code, error: info, origin: { topic: record.topic, partition: record.partition, offset: record.offset }, attempts: 1, firstFailedAt: now, lastFailedAt: now, deadAt: now, failedHandler: `route:${this.id}` }),
    };
  }
}
