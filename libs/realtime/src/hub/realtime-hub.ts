/**
 * The fan-out engine: one live reader per hub (per gateway instance) over the streamed topics,
 * from their end at start-up, with a throwaway group of its own, so every instance reads every
 * record and any instance can serve any client. Each record is decoded once and offered to every
 * client, which keeps what its scope and subscription match. A client that resumes from a cursor
 * (`Last-Event-ID`) first gets the records it missed from a catch-up reader of its own (from its
 * cursor up to where the hub was when it attached), then the hub's records it was offered
 * meanwhile, without a gap or a repeat.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaClient, Logger, RecordBatch } from '@switchyard/kafka';
import { parseOrThrow } from '@switchyard/protocol';
import { messageFrame, StreamClient, type HubRecord } from '../client/stream-client.js';
import type { StreamFrame, StreamSink } from '../client/stream-sink.js';
import { StreamPolicy, type StreamScope, type StreamSubscription } from '../filter/stream-filter.js';
import { decodeStreamMessage } from '../message/stream-message.js';
import { partitionKey, splitPartitionKey, StreamCursor } from '../position/stream-cursor.js';
import { RealtimeMetrics } from '../metrics/realtime-metrics.js';
import { PartitionReader } from '../reader/partition-reader.js';
import { RealtimeOptionsSchema, type RealtimeOptions, type RealtimeOptionsInput } from '../realtime.options.js';

/** A trailing transaction marker is never handed out: a partition quiet this long at its high watermark is read to its end. */
const QUIET_MS = 1_000;
/** No batch at all this long after joining: what is left of the partition holds only transaction markers. */
const IDLE_MS = 3_000;

export interface RealtimeHubDeps {
  readonly client: KafkaClient;
  readonly log: Logger;
  /** The topics streamed (task status topics, event topics); those missing at start are skipped. */
  readonly topics: readonly string[];
  /** Where the hub counts clients, connections, drops and records (a fresh registry when absent). */
  readonly metrics?: RealtimeMetrics;
}

export interface ConnectRequest {
  readonly scope: StreamScope;
  readonly subscription: StreamSubscription;
  readonly sink: StreamSink;
  /** Resume after this cursor (the id of the last message received); absent: from now. */
  readonly resumeFrom?: StreamCursor;
}

export class RealtimeHub {
  readonly options: RealtimeOptions;
  readonly policy: StreamPolicy;
  readonly #deps: RealtimeHubDeps;
  readonly #clients = new Set<StreamClient>();
  readonly #cursor = new StreamCursor();
  readonly #catchUps = new Set<PartitionReader>();
  #reader: PartitionReader | undefined;
  #topics: string[] = [];
  #state: 'idle' | 'running' | 'stopped' = 'idle';
  /** Clients dropped, by reason (since start). */
  readonly dropped = new Map<string, number>();
  readonly metrics: RealtimeMetrics;

  constructor(deps: RealtimeHubDeps, options: RealtimeOptionsInput = {}) {
    this.#deps = deps;
    this.options = Object.freeze(parseOrThrow(RealtimeOptionsSchema, options, { code: 'SY_INVALID_CONFIG', what: 'realtime options' }));
    this.policy = new StreamPolicy(this.options.notifications);
    this.metrics = deps.metrics ?? new RealtimeMetrics();
    this.metrics.countClientsWith(() => this.#clients.size);
  }

  /** The topics read (those of `deps.topics` that existed at start). */
  get topics(): readonly string[] {
    return this.#topics;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Reads the streamed topics' end offsets (everything written after start() resolves is pushed), then starts the live reader. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    const admin = this.#deps.client.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      this.#topics = [...new Set(this.#deps.topics)].filter((t) => existing.has(t));
      const missing = this.#deps.topics.filter((t) => !existing.has(t));
      if (missing.length > 0) this.#deps.log.info({ topics: missing }, 'realtime: topics missing at start are not streamed');
      for (const topic of this.#topics) for (const o of await admin.topicOffsets(topic)) this.#cursor.advance(topic, o.partition, BigInt(o.high));
    } finally {
      await admin.disconnect();
    }
    await this.#startReader(new Map(this.#cursor.entries()));
  }

  async #startReader(start: Map<string, bigint>): Promise<void> {
    const reader = new PartitionReader({ client: this.#deps.client, start, log: this.#deps.log, maxWaitTimeMs: this.options.maxWaitTimeMs, onBatch: (batch) => this.#dispatch(batch), onFailed: () => void this.#replaceReader(reader) });
    this.#reader = reader;
    await reader.start();
  }

  /** The live reader failed for good: a new one goes on from where it was (no gap, no repeat), after a backoff while it keeps failing. */
  async #replaceReader(failed: PartitionReader): Promise<void> {
    if (this.#reader !== failed || this.#state !== 'running') return;
    await failed.stop().catch(() => undefined);
    for (let delayMs = 1_000; this.#state === 'running'; delayMs = Math.min(delayMs * 2, 30_000)) {
      await sleep(delayMs);
      try {
        if (this.#state === 'running') await this.#startReader(failed.positions());
        this.#deps.log.warn('realtime: live reader replaced after a failure');
        return;
      } catch (error) {
        await this.#reader?.stop().catch(() => undefined);
        this.#deps.log.error({ err: error, retryInMs: delayMs * 2 }, 'realtime: live reader could not be restarted');
      }
    }
  }

  /** Drops every client (reason `shutdown`, with its resume id) and stops the readers. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    for (const client of [...this.#clients]) client.drop('shutdown');
    await Promise.all([...this.#catchUps].map((r) => r.stop().catch(() => undefined)));
    await this.#reader?.stop();
  }

  /** The hub's position: the next offset of every streamed partition. */
  cursor(): StreamCursor {
    return this.#cursor.clone();
  }

  /** Attaches a client: a `ready` frame (with its starting id), then its messages; a resume first reads what it missed. */
  connect(request: ConnectRequest): StreamClient {
    const client = new StreamClient({
      id: randomUUID(),
      scope: request.scope,
      subscription: request.subscription,
      policy: this.policy,
      sink: request.sink,
      limits: { maxBuffered: this.options.maxBufferedMessages, heartbeatMs: this.options.heartbeatMs, rateLimit: this.options.notifications.rateLimit },
      hubCursor: () => this.#cursor,
      onClosed: (c, reason) => {
        this.#clients.delete(c);
        if (!reason) return;
        this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
        this.metrics.drops.inc({ reason });
      },
    });
    this.#clients.add(client);
    this.metrics.connections.inc({ resumed: String(request.resumeFrom !== undefined) });
    const start = request.resumeFrom ?? this.#cursor;
    client.control({ type: 'ready', id: start.encode(), data: { clientId: client.id, tenant: request.scope.tenant ?? null, user: request.scope.user ?? null, subscription: request.subscription, resumed: request.resumeFrom !== undefined, channels: this.policy.channelNames } });
    if (request.resumeFrom) {
      client.beginCatchUp(request.resumeFrom);
      this.#catchUp(client, request.resumeFrom, this.#cursor.clone()).catch((error: unknown) => {
        this.#deps.log.warn({ err: error, client: client.id }, 'realtime: resume failed');
        client.drop('resume-failed', 'the missed records could not be read; reconnect to try again');
      });
    }
    return client;
  }

  #dispatch(batch: RecordBatch): void {
    const afterBatch = BigInt(batch.lastOffset) + 1n;
    this.metrics.records.inc(batch.records.length);
    for (const [index, record] of batch.records.entries()) {
      const offset = BigInt(record.offset);
      // After the batch's last record only transaction markers follow: its id points past them, so a resume from it has nothing left to wait for.
      this.#cursor.advance(record.topic, record.partition, index === batch.records.length - 1 ? afterBatch : offset + 1n);
      const message = decodeStreamMessage(record);
      let frame: StreamFrame | undefined;
      const cursor = this.#cursor;
      const hubRecord: HubRecord = { topic: record.topic, partition: record.partition, offset, message, sharedFrame: () => (frame ??= messageFrame(message!, cursor.encode())) };
      for (const client of this.#clients) client.offer(hubRecord);
    }
    this.#cursor.advance(batch.topic, batch.partition, afterBatch);
  }

  /** Reads [from, target) of every partition for `client`, then hands it over to the live records. */
  async #catchUp(client: StreamClient, from: StreamCursor, target: StreamCursor): Promise<void> {
    const start = new Map<string, bigint>();
    const ends = new Map<string, bigint>();
    for (const [key, end] of target.entries()) {
      const { topic, partition } = splitPartitionKey(key);
      const at = from.next(topic, partition);
      if (at !== undefined && at < end) {
        start.set(key, at);
        ends.set(key, end);
      }
    }
    if (start.size > 0) await this.#clampToRetention(client, start);
    if (start.size === 0 || [...start].every(([key, at]) => at >= ends.get(key)!)) return client.endCatchUp(target);
    const reader = new PartitionReader({
      client: this.#deps.client,
      start,
      log: this.#deps.log,
      maxWaitTimeMs: 200,
      onBatch: (batch) => {
        const end = ends.get(partitionKey(batch.topic, batch.partition))!;
        const afterBatch = BigInt(batch.lastOffset) + 1n;
        for (const [index, record] of batch.records.entries()) {
          const offset = BigInt(record.offset);
          const next = index === batch.records.length - 1 && afterBatch < end ? afterBatch : offset + 1n;
          if (offset < end) client.offerCatchUp(record.topic, record.partition, offset, next, decodeStreamMessage(record));
        }
      },
    });
    this.#catchUps.add(reader);
    try {
      await reader.start();
      const deadline = Date.now() + this.options.catchUpTimeoutMs;
      const done = (key: string) => {
        const { topic, partition } = splitPartitionKey(key);
        const end = ends.get(key)!;
        if ((reader.position(topic, partition) ?? 0n) >= end) return true;
        const seen = reader.lastSeen(topic, partition);
        if (seen === undefined) return reader.joinedAt !== undefined && Date.now() - reader.joinedAt > IDLE_MS;
        return seen.highWatermark >= end && Date.now() - seen.at > QUIET_MS;
      };
      while (![...ends.keys()].every(done)) {
        if (client.state === 'closed') return;
        if (Date.now() > deadline) throw new Error(`catch-up did not reach the hub's position within ${this.options.catchUpTimeoutMs} ms`);
        await sleep(20);
      }
      client.endCatchUp(target);
    } finally {
      this.#catchUps.delete(reader);
      await reader.stop();
    }
  }

  /** Records below a partition's log start are gone (retention): start there and tell the client what was lost. */
  async #clampToRetention(client: StreamClient, start: Map<string, bigint>): Promise<void> {
    const admin = this.#deps.client.admin();
    await admin.connect();
    try {
      const topics = [...new Set([...start.keys()].map((k) => splitPartitionKey(k).topic))];
      for (const topic of topics) {
        for (const o of await admin.topicOffsets(topic)) {
          const key = partitionKey(topic, o.partition);
          const at = start.get(key);
          if (at !== undefined && at < BigInt(o.low)) {
            start.set(key, BigInt(o.low));
            client.control({ type: 'gap', data: { topic, partition: o.partition, from: at.toString(), to: o.low, reason: 'records past the topic retention are gone' } });
          }
        }
      }
    } finally {
      await admin.disconnect();
    }
  }
}
