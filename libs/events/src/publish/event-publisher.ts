import { randomUUID } from 'node:crypto';
import { EventSchema, parseOrThrow, SwitchyardError, type Event, type EventInput } from '@switchyard/protocol';
import {
  encodeEventRecord,
  eventDomain,
  eventLaneTopic,
  eventTopic,
  recordSizeBytes,
  type KafkaClient,
  type OutgoingRecord,
  TransactionalSender,
} from '@switchyard/kafka';
import type { EventCodec } from '../catalog/event-codec.js';
import type { EventMetrics } from '../metrics/event-metrics.js';
import { ensureEventTopics, planDomainTopics, type EventTopologyOptions } from '../topology/event-topology.js';

/** An event to publish: the protocol Event, with `id` optional (a UUID is generated). */
export type PublishEvent = EventInput;

/** What Kafka acknowledged for one event. */
export interface PublishReceipt {
  readonly id: string;
  readonly name: string;
  readonly topic: string;
}

export interface EventPublisherOptions {
  readonly client: KafkaClient;
  readonly codec: EventCodec;
  readonly topology: EventTopologyOptions;
  readonly metrics: EventMetrics;
  /**
   * A tenant-scoped publisher: events without a tenant get this one; events naming another
   * tenant are refused (SY_INVALID_EVENT).
   */
  readonly tenantId?: string;
}

/** An event ready to send: where it goes and its record. */
export interface PreparedEvent {
  readonly event: Event & { readonly id: string };
  readonly topic: string;
  readonly record: OutgoingRecord;
}

/**
 * Publishes events: validates each against the protocol's Event schema and its type's payload
 * schema, encodes it as a CloudEvents binary-mode record keyed by tenant, and sends it to its
 * domain's topic (the lane of its priority when priority lanes are on). A domain's topics are
 * created on its first event. Every call is one Kafka transaction: subscribers (read_committed)
 * see all of its events or none; calls of one publisher run one after the other.
 */
export class EventPublisher {
  readonly #options: EventPublisherOptions;
  readonly #domains = new Map<string, Promise<void>>();
  #producer: TransactionalSender | undefined;

  constructor(options: EventPublisherOptions) {
    this.#options = options;
  }

  async connect(): Promise<void> {
    this.#producer ??= new TransactionalSender({
      client: this.#options.client,
      idPrefix: `switchyard.publisher.${this.#options.client.clientId}`,
      maxBatchBytes: Math.max(1, Math.min(900 * 1024, this.#options.topology.maxMessageBytes - 1024)),
    });
    await this.#producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.#producer?.disconnect();
    this.#producer = undefined;
  }

  async publish(event: PublishEvent): Promise<PublishReceipt> {
    const [receipt] = await this.publishMany([event]);
    return receipt!;
  }

  /**
   * Validates every event first (nothing is sent when one is invalid), then sends all in one
   * transaction: when Kafka refuses it, none is visible and the error names the events at fault
   * (SY_PAYLOAD_TOO_LARGE with `details.items`) or the broker's reason (SY_KAFKA_UNAVAILABLE).
   */
  async publishMany(events: readonly PublishEvent[]): Promise<PublishReceipt[]> {
    if (!this.#producer) throw new SwitchyardError('SY_INVALID_CONFIG', 'The event publisher is not connected.', { hint: 'Call bus.start() (or publisher.connect()) before publishing.' });
    const prepared = await Promise.all(events.map((event, index) => this.prepare(event, events.length > 1 ? `events[${index}]` : 'event')));
    await this.ensureDomains(prepared.map((p) => eventDomain(p.event.name)));
    const byTopic = new Map<string, OutgoingRecord[]>();
    const labels = new Map<OutgoingRecord, string>();
    prepared.forEach((p, index) => {
      const list = byTopic.get(p.topic);
      if (list) list.push(p.record);
      else byTopic.set(p.topic, [p.record]);
      labels.set(p.record, `${events.length > 1 ? `events[${index}]` : 'event'} (${p.event.name}, id ${p.event.id})`);
    });
    await this.#producer.send([...byTopic].map(([topic, records]) => ({ topic, records })), (record) => labels.get(record));
    for (const p of prepared) this.#options.metrics.published.inc({ event: p.event.name, lane: p.event.metadata.priority });
    return prepared.map((p) => ({ id: p.event.id, name: p.event.name, topic: p.topic }));
  }

  /** Validates and encodes one event (also used by routes, which send inside their own transaction). */
  async prepare(input: PublishEvent, what = 'event'): Promise<PreparedEvent> {
    const parsed = parseOrThrow(EventSchema, input, { code: 'SY_INVALID_EVENT', what });
    const tenantId = this.#tenantOf(parsed, what);
    const event = { ...parsed, id: parsed.id ?? randomUUID(), metadata: { ...parsed.metadata, ...(tenantId ? { tenantId } : {}) } };
    const encoded = await this.#options.codec.encode(event.name, event.payload);
    const record = encodeEventRecord(
      {
        id: event.id,
        name: event.name,
        source: event.metadata.source,
        timestamp: event.metadata.timestamp,
        priority: event.metadata.priority,
        contentType: encoded.contentType,
        ...(encoded.dataschema ? { dataschema: encoded.dataschema } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(event.metadata.userId ? { userId: event.metadata.userId } : {}),
        ...(event.metadata.correlationId ? { correlationId: event.metadata.correlationId } : {}),
        ...(event.metadata.causationId ? { causationId: event.metadata.causationId } : {}),
      },
      encoded.data,
    );
    const size = recordSizeBytes(record);
    if (size > this.#options.topology.maxMessageBytes) {
      throw new SwitchyardError('SY_PAYLOAD_TOO_LARGE', `${what} (${event.name}) is ${size} bytes; event topics accept at most ${this.#options.topology.maxMessageBytes}.`, {
        hint: 'Publish a reference (e.g. an object-store URL) instead of the data, or raise maxMessageBytes on the topics and the bus.',
      });
    }
    const topic = this.#options.topology.priorityEnabled ? eventLaneTopic(event.name, event.metadata.priority) : eventTopic(event.name);
    return { event, topic, record };
  }

  /** Creates the topics of domains (or of the domains of event names) not seen yet, once per domain and process. */
  async ensureDomains(domainsOrNames: readonly string[]): Promise<void> {
    const domains = domainsOrNames.map((d) => eventDomain(d));
    const missing = [...new Set(domains)].filter((d) => !this.#domains.has(d));
    if (missing.length > 0) {
      const created = (async () => {
        const admin = this.#options.client.admin();
        await admin.connect();
        try {
          await ensureEventTopics(admin, missing.flatMap((d) => planDomainTopics(d, this.#options.topology)));
        } finally {
          await admin.disconnect();
        }
      })();
      for (const d of missing) this.#domains.set(d, created);
      created.catch(() => missing.forEach((d) => this.#domains.delete(d)));
    }
    await Promise.all([...new Set(domains)].map((d) => this.#domains.get(d)));
  }

  #tenantOf(event: Event, what: string): string | undefined {
    const scoped = this.#options.tenantId;
    const given = event.metadata.tenantId;
    if (scoped !== undefined && given !== undefined && given !== scoped) {
      throw new SwitchyardError('SY_INVALID_EVENT', `${what}.metadata.tenantId is "${given}", but this publisher is scoped to tenant "${scoped}".`, {
        hint: 'Publish events of other tenants with a publisher scoped to them.',
      });
    }
    return given ?? scoped;
  }
}
