/**
 * All-or-nothing producer calls: each `send` goes out inside ONE Kafka transaction (split into as
 * many produce requests as its size needs), so a call becomes visible to read_committed readers
 * whole or not at all, and retrying a failed call cannot duplicate what it wrote. A transactional
 * producer has one transaction open at a time: calls made while one is in flight wait and then
 * share the next transaction (group commit, in call order), which keeps concurrent small calls
 * cheap. When a shared transaction fails because of an item (too large), each of its calls is
 * sent again alone, so one call's bad item never fails another call. A failure aborts the
 * transaction and becomes a catalog error that names the failing items.
 */
import { randomUUID } from 'node:crypto';
import { SwitchyardError } from '@switchyard/protocol';
import type { KafkaClient, OutgoingRecord, ProducerPort, RecordAck, TopicRecords } from './kafka-client.port.js';
import { encodedRecordBytes } from './produce-splitter.js';

/** The broker's default `message.max.bytes`, which applies to a topic without its own `max.message.bytes`. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** How many failing items an error names in its message (all are in `details.items`). */
const NAMED_ITEMS = 5;
/** Waiting calls join one transaction until it holds this many records (a single call may hold more). */
const MAX_SHARED_RECORDS = 10_000;
/**
 * Broker answers that mean "not now" for a transaction: a fresh cluster's transaction coordinator
 * still loading, a coordinator that moved, the previous transaction's markers still being written.
 * The refused transaction is aborted (nothing of it is visible), so it is made again, whole.
 */
const NOT_NOW = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS', 'CONCURRENT_TRANSACTIONS']);
/** Transactions a call makes at most on NOT_NOW answers, with a doubling pause from 100 ms between them (6.3 s in all: a fresh broker creates and loads its transaction state topic). */
const NOT_NOW_ATTEMPTS = 7;
const NOT_NOW_FIRST_PAUSE_MS = 100;

export interface TransactionalSenderOptions {
  readonly client: KafkaClient;
  /** Prefix of the transactional id; each sender adds a random suffix (`<prefix>.<uuid>`), so instances never fence each other. */
  readonly idPrefix: string;
  /** Largest share of one topic in one produce request, below the topics' max.message.bytes (default 900 KiB). */
  readonly maxBatchBytes?: number;
}

/** How the caller names the item a record stands for (e.g. `tasks[3] (id 42)`), for errors. */
export type RecordLabeller = (record: OutgoingRecord) => string | undefined;

interface Call {
  readonly batch: readonly TopicRecords[];
  readonly records: number;
  readonly labelOf: RecordLabeller;
  readonly resolve: (acks: RecordAck[]) => void;
  readonly reject: (error: unknown) => void;
}

export class TransactionalSender {
  readonly #options: TransactionalSenderOptions;
  readonly #producer: ProducerPort;
  readonly #waiting: Call[] = [];
  #draining: Promise<void> | undefined;

  constructor(options: TransactionalSenderOptions) {
    this.#options = options;
    this.#producer = options.client.producer({
      transactionalId: `${options.idPrefix}.${randomUUID()}`,
      ...(options.maxBatchBytes ? { maxBatchBytes: options.maxBatchBytes } : {}),
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  /** Waits for the calls already made, then disconnects. */
  async disconnect(): Promise<void> {
    await this.#draining;
    await this.#producer.disconnect();
  }

  /**
   * Sends `batch` inside one transaction, after the calls made before it; resolves once that
   * transaction is committed, with the acks of the requests that carried the batch's topics.
   */
  send(batch: readonly TopicRecords[], labelOf: RecordLabeller = () => undefined): Promise<RecordAck[]> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ batch, records: batch.reduce((n, t) => n + t.records.length, 0), labelOf, resolve, reject });
      this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
    });
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const calls = this.#takeCalls();
      if (calls.length === 1) {
        await this.#sendAlone(calls[0]!);
        continue;
      }
      try {
        const acks = await this.#transact(mergeBatches(calls.map((c) => c.batch)));
        for (const call of calls) call.resolve(acksOf(acks, call.batch));
      } catch (error) {
        if (!isTooLarge(error)) {
          for (const call of calls) call.reject(await this.#explain(error, call.batch, call.labelOf));
          continue;
        }
        for (const call of calls) await this.#sendAlone(call);
      }
    }
  }

  /** The waiting calls of the next transaction: the first, then more while they fit MAX_SHARED_RECORDS. */
  #takeCalls(): Call[] {
    let records = this.#waiting[0]!.records;
    let count = 1;
    while (count < this.#waiting.length && records + this.#waiting[count]!.records <= MAX_SHARED_RECORDS) records += this.#waiting[count++]!.records;
    return this.#waiting.splice(0, count);
  }

  async #sendAlone(call: Call): Promise<void> {
    try {
      call.resolve(await this.#transact(call.batch));
    } catch (error) {
      call.reject(await this.#explain(error, call.batch, call.labelOf));
    }
  }

  /** One transaction for `batch`; made again (up to NOT_NOW_ATTEMPTS) while the broker answers "not now". */
  async #transact(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#transactOnce(batch);
      } catch (error) {
        // A commit whose answer never came may have landed: never made again (it would write the batch twice).
        if (isCommitUnknown(error) || attempt >= NOT_NOW_ATTEMPTS || !NOT_NOW.has(kafkaErrorType(error) ?? '')) throw error;
        await new Promise((resolve) => setTimeout(resolve, NOT_NOW_FIRST_PAUSE_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async #transactOnce(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    let tx;
    try {
      tx = await this.#producer.transaction();
      const acks = await tx.send(batch);
      await tx.commit();
      return acks;
    } catch (error) {
      // A commit that may have landed is not aborted (its producer was retired: nothing to abort on).
      if (!isCommitUnknown(error)) await tx?.abort().catch(() => undefined);
      throw error;
    }
  }

  /** The catalog error of an aborted call: oversized items by name, else the broker's reason. */
  async #explain(error: unknown, batch: readonly TopicRecords[], labelOf: RecordLabeller): Promise<SwitchyardError> {
    // Not aborted: the commit may have landed, so the call is not said to be safe to send again.
    if (isCommitUnknown(error)) return error;
    const records = batch.reduce((n, t) => n + t.records.length, 0);
    const type = kafkaErrorType(error);
    const aborted = `Nothing of the ${records} records was written (the transaction was aborted)`;
    if (isTooLarge(error)) {
      const limits = await this.#messageLimits(batch.map((t) => t.topic)).catch(() => new Map<string, number>());
      const items = batch.flatMap(({ topic, records: list }) => {
        const limit = limits.get(topic) ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES;
        return list.flatMap((record, index) => {
          const bytes = encodedRecordBytes(record);
          return bytes > limit ? [{ item: labelOf(record) ?? `${topic}[${index}]`, topic, bytes, limit }] : [];
        });
      });
      const named = items.slice(0, NAMED_ITEMS).map((i) => `${i.item}: ~${i.bytes} bytes, ${i.topic} accepts ${i.limit}`);
      return new SwitchyardError(
        'SY_PAYLOAD_TOO_LARGE',
        items.length > 0
          ? `${items.length} item(s) are larger than their topic accepts (max.message.bytes): ${named.join('; ')}${items.length > NAMED_ITEMS ? '; ...' : ''}. ${aborted}.`
          : `Kafka refused a record batch as too large for ${[...limits].map(([t, l]) => `${t} (max.message.bytes ${l})`).join(', ') || 'its topic'}. ${aborted}.`,
        {
          hint: items.length > 0
            ? 'Store large data elsewhere and send a reference, or raise max.message.bytes of the topic; then send the call again.'
            : "Set the producer's maxMessageBytes to the smallest max.message.bytes of the topics it writes (batches are cut below it), then send the call again.",
          details: { items, written: 0 },
          cause: error,
        },
      );
    }
    return new SwitchyardError('SY_KAFKA_UNAVAILABLE', `Kafka did not take the call (${type ?? describe(error)}). ${aborted}.`, {
      hint: 'Check that the brokers run and this client may write the topics; sending the same call again cannot duplicate anything.',
      retriable: (error as { retriable?: boolean }).retriable ?? true,
      details: { written: 0, kafkaError: type ?? null },
      cause: error,
    });
  }

  /** Each topic's own max.message.bytes (topics without one are left out: the broker default applies). */
  async #messageLimits(topics: readonly string[]): Promise<Map<string, number>> {
    const admin = this.#options.client.admin();
    await admin.connect();
    try {
      const configs = await admin.describeTopicConfigs([...new Set(topics)]);
      return new Map(
        Object.entries(configs).flatMap(([topic, entries]) => (entries['max.message.bytes'] ? [[topic, Number(entries['max.message.bytes'])] as const] : [])),
      );
    } finally {
      await admin.disconnect();
    }
  }
}

/** True when Kafka refused a record batch (or a record) as larger than its topic accepts. */
function isTooLarge(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
}

/** The calls' records in one batch: per topic, in call order. */
function mergeBatches(batches: readonly (readonly TopicRecords[])[]): TopicRecords[] {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const batch of batches) {
    for (const { topic, records } of batch) {
      const list = byTopic.get(topic);
      if (list) list.push(...records);
      else byTopic.set(topic, [...records]);
    }
  }
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}

/** The acks of a shared transaction that concern the topics of one call's batch. */
function acksOf(acks: readonly RecordAck[], batch: readonly TopicRecords[]): RecordAck[] {
  const topics = new Set(batch.map((t) => t.topic));
  return acks.filter((a) => topics.has(a.topic));
}

/** A commit that got no answer from its coordinator (it may have landed: never aborted, never made again). */
function isCommitUnknown(error: unknown): error is SwitchyardError {
  return error instanceof SwitchyardError && error.code === 'SY_KAFKA_COMMIT_UNKNOWN';
}

/** The Kafka protocol error name (`type`) of an error or of the errors it wraps (kafkajs wraps retried ones). */
function kafkaErrorType(error: unknown): string | undefined {
  for (let e = error as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.type === 'string') return e.type;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
