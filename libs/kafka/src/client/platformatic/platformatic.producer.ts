import { compatibilityPartitioner, Producer, type MessageToProduce, type ProduceResult } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { SwitchyardError } from '@switchyard/protocol';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import type { ConsumerGroupMetadata, EncodedRecordList, ProducerOptions, ProducerPort, RecordAck, TopicPartitionOffset, TopicRecords, TransactionPort } from '../kafka-client.port.js';
import { DEFAULT_PRODUCE_CAPS, splitProduceBatch, type ProduceCaps } from '../produce-splitter.js';
import { platformaticBaseOptions } from './platformatic.config.js';
import { concurrentTransactionsRetryDelayMs } from './concurrent-transactions.js';
import { commitTransactionOffsets } from './txn-offset-commit.js';
import { sectionMessageValue, withFastProduce } from './produce-request.encoder.js';
import { partitionSections } from '../records/encoded-sections.js';
import { keyPartitionHash } from './murmur2-partition.js';
import { guardConnections, isDeadEnd, isRefusedLogin, retryDelayUnlessRefused, protocolErrorId, unavailableError, withErrorType, type Connector } from './platformatic.errors.js';
import { Turns } from '../turns.js';

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

/** Where a consumer group's coordinator is (TxnOffsetCommit goes to it); `fresh` skips what was looked up before. */
export type CoordinatorOf = (groupId: string, options?: { readonly fresh?: boolean }) => Promise<number>;

/** Header names as bytes, kept: a producer sends the same few names over and over. */
const headerNames = new Map<string, Buffer>();
const HEADER_NAMES_KEPT = 1_000;

function headerName(name: string): Buffer {
  let bytes = headerNames.get(name);
  if (!bytes) {
    bytes = Buffer.from(name);
    if (headerNames.size < HEADER_NAMES_KEPT) headerNames.set(name, bytes);
  }
  return bytes;
}

/**
 * The library's messages for a batch; keys, values, header names and values as bytes (the library
 * writes them as given). One loop without spreads or per-record arrays: a replay runs it on every
 * copy. Keyed records come with their partition hash (murmur2-partition.ts). A header value equal to the previous record's (a replay's id and time) reuses its bytes.
 */
function toMessages(batch: readonly TopicRecords[]): MessageToProduce[] {
  const messages: MessageToProduce[] = [];
  const lastValues = new Map<string, [string, Buffer]>();
  const valueBytes = (name: string, value: string | Buffer): Buffer => {
    if (typeof value !== 'string') return value;
    const last = lastValues.get(name);
    if (last && last[0] === value) return last[1];
    const bytes = Buffer.from(value);
    lastValues.set(name, [value, bytes]);
    return bytes;
  };
  for (const { topic, records } of batch) {
    for (const r of records) {
      let headers: Map<Buffer, Buffer> | undefined;
      if (r.headers) {
        headers = new Map();
        for (const name in r.headers) headers.set(headerName(name), valueBytes(name, r.headers[name]!));
      }
      const key = r.key == null ? undefined : typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
      messages.push({
        topic,
        key,
        value: r.value == null ? undefined : typeof r.value === 'string' ? Buffer.from(r.value) : r.value,
        headers,
        // A keyed record's partition hash as `compatibilityPartitioner` computes it (the library
        // takes it % partitions), without the library's BigInt murmur2.
        partition: r.partition ?? (key ? keyPartitionHash(key) : undefined),
        timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp),
      } as MessageToProduce);
    }
  }
  return messages;
}

function toAcks(result: ProduceResult): RecordAck[] {
  return (result.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, baseOffset: o.offset.toString() }));
}

/** Pause between the library's retries of a retriable error (leader moves, coordinator loading). */
const RETRY_DELAY_MS = 250;
/** Retries of one library call: about 10 s of RETRY_DELAY_MS, then the error surfaces. */
const RETRIES = 40;
/** The delay a retired producer's cancelled retry would have had (see PlatformaticProducer.#endRetries). */
const RETIRED_RETRY_DELAY_MS = 60_000;

/** How many transaction timeouts a commit waits for the coordinator's answer (see PlatformaticProducer.#commit). */
const COMMIT_PATIENCE = 2;
/** Pauses between asking a commit again: doubling from the first, at most the max. */
const COMMIT_RETRY_FIRST_MS = 100;
const COMMIT_RETRY_MAX_MS = 2_000;

/**
 * Whether a commit failed without the coordinator's answer on the transaction: the connection
 * broke, the coordinator moved or was loading, it was still writing markers, or the call's
 * deadline passed. Any other error is the coordinator's answer (fenced, invalid epoch or state:
 * the transaction did not commit).
 */
function isUnanswered(error: unknown): boolean {
  if (isDeadEnd(error) || (error instanceof SwitchyardError && error.code === 'SY_KAFKA_UNAVAILABLE')) return true;
  return UNANSWERED.has(protocolErrorId(error) ?? '');
}
const UNANSWERED = new Set(['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS', 'REQUEST_TIMED_OUT']);

/** One library producer and the calls running on it. */
interface Instance {
  readonly producer: Producer;
  /** The running calls' rejecters: a dead end (see isDeadEnd) fails them at once. */
  readonly calls: Set<(error: unknown) => void>;
  /** Replaced and being closed: its leftover retries end at once. */
  retired: boolean;
}

/**
 * A producer on @platformatic/kafka: acks=all and idempotent (the library then keeps one request in
 * flight per connection), keyed records placed as Java does (`compatibilityPartitioner`:
 * toPositive(murmur2(key)) % partitions, what partitionForKey computes). Sends are serialized: the
 * library reads a partition's sequence number when it builds a batch and advances it only on the
 * answer, so two concurrent sends to one partition would reuse a sequence.
 *
 * No call hangs: a library producer caches the leaders of a send and its transaction coordinator
 * and retries against them, so a call that meets a dead broker or a moved coordinator fails at
 * once with SY_KAFKA_UNAVAILABLE instead of retrying the same node (for minutes: the library
 * nests its retries), and every call has a deadline: the transaction timeout (the broker aborts a
 * transaction older than that, so waiting longer cannot help), else the request timeout. A
 * producer whose call failed is replaced before its next use (a new InitProducerId, same
 * transactional id: the broker aborts the open transaction of the old one); after a dead end or
 * a deadline it is closed at once, which ends the retries it still runs.
 */
export class PlatformaticProducer implements ProducerPort {
  readonly #settings: KafkaConnectionSettings;
  readonly #options: ProducerOptions;
  readonly #caps: ProduceCaps;
  readonly #connect: Connector;
  readonly #coordinatorOf: CoordinatorOf;
  readonly #logger: Logger;
  /** The broker's transaction timeout (InitProducerId), a produce's replica wait and every call's deadline. */
  readonly #deadlineMs: number;
  #instance: Instance;
  #stale = false;
  /** The group coordinator may have moved: the next TxnOffsetCommit looks it up again. */
  #groupCoordinatorSuspect = false;
  readonly #turns = new Turns();

  constructor(settings: KafkaConnectionSettings, options: ProducerOptions, connect: Connector, coordinatorOf: CoordinatorOf, logger: Logger) {
    this.#settings = settings;
    this.#options = options;
    this.#caps = options.maxBatchBytes ? { ...DEFAULT_PRODUCE_CAPS, maxTopicBytes: options.maxBatchBytes } : DEFAULT_PRODUCE_CAPS;
    this.#connect = connect;
    this.#coordinatorOf = coordinatorOf;
    this.#logger = logger;
    this.#deadlineMs = (options.transactionalId ? options.transactionTimeoutMs : undefined) ?? settings.requestTimeoutMs;
    this.#instance = this.#create();
  }

  #create(): Instance {
    const instance: Omit<Instance, 'producer'> & { producer?: Producer } = { calls: new Set(), retired: false };
    const producer: Producer = new Producer({
      ...platformaticBaseOptions(this.#settings),
      timeout: this.#deadlineMs,
      idempotent: (this.#options.idempotent ?? true) || Boolean(this.#options.transactionalId),
      acks: -1,
      partitioner: compatibilityPartitioner,
      // InitProducerId as a new producer (-1/-1). The library's default (0/0) asks the broker to bump
      // producer 0's epoch: refused with PRODUCER_FENCED once the transactional id belongs to another
      // producer id, so a replacement producer could never start.
      producerId: -1n,
      producerEpoch: -1,
      retries: RETRIES,
      retryDelay: (_client, operation, attempt, _retries, error): number => {
        this.#logger.debug({ operation, attempt, error: protocolErrorId(error) ?? error.message, retired: instance.retired }, 'the library retries a call');
        if (instance.retired) return this.#endRetries(producer);
        if (isRefusedLogin(error)) return retryDelayUnlessRefused(producer, error, RETRY_DELAY_MS);
        if (isDeadEnd(error, operation)) {
          const failure = unavailableError(`@platformatic/kafka ${operation}`, `${error.message} (retrying the same node cannot help; the producer is replaced)`, error);
          for (const fail of instance.calls) fail(failure);
          // Failing them retired and closed this producer: the retry asked for now would be armed
          // after close's 'client:close' and never cancelled (the library's closed pool stops it today).
          if (instance.retired) return this.#endRetries(producer);
        }
        return protocolErrorId(error) === 'CONCURRENT_TRANSACTIONS' ? concurrentTransactionsRetryDelayMs(attempt, RETRY_DELAY_MS) : RETRY_DELAY_MS;
      },
      ...(this.#options.transactionalId ? { transactionalId: this.#options.transactionalId } : {}),
    });
    instance.producer = guardConnections(withFastProduce(producer));
    return instance as Instance;
  }

  /**
   * The retry a retired (closed) library producer is about to arm, cancelled: none of its leftover
   * retries may reach a broker. One that did re-initialized the transactional id (fencing the
   * producer in use) and finished old transactions its caller had been told failed: zombie commits
   * in transactions.broker-restart (transactions 400-405 committed at the end of the run, their
   * batches already written again). The library arms a retry, then listens for 'client:close'
   * (emitted once, at close, before this retry existed): emitted again right after, it cancels it
   * and the operation fails with "Client closed while retrying". The delay only bounds a retry
   * whose cancellation went missing.
   */
  #endRetries(producer: Producer): number {
    setImmediate(() => producer.emit('client:close'));
    return RETIRED_RETRY_DELAY_MS;
  }

  async connect(): Promise<void> {
    await this.#connect(() => this.#instance.producer.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    await this.#turns.settled();
    await this.#close(this.#instance);
  }

  /** Closes a library producer, waiting at most the deadline (a close that hangs is logged and left). */
  async #close(instance: Instance): Promise<void> {
    instance.retired = true;
    let timer: NodeJS.Timeout | undefined;
    const closing = (instance.producer.close(true) as unknown as Promise<void>).then(
      () => true,
      (error: unknown) => void this.#logger.debug({ err: error }, 'closing a producer failed'),
    );
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.#deadlineMs)));
    if ((await Promise.race([closing, gaveUp]).finally(() => clearTimeout(timer))) === false) this.#logger.warn({ deadlineMs: this.#deadlineMs }, 'closing a producer did not finish in time; left behind');
  }

  /** The current library producer; a new one (the old one closed) when a call failed since. */
  #current(): Instance {
    if (this.#stale) {
      const old = this.#instance;
      this.#stale = false;
      this.#instance = this.#create();
      if (!old.retired) void this.#close(old);
    }
    return this.#instance;
  }

  /** After a failed call: the producer is replaced before the next call (a transaction's abort still goes through it). */
  #spoil(instance: Instance): void {
    if (instance === this.#instance) this.#stale = true;
    // Whatever failed, a lost broker may have taken the group coordinator with it.
    this.#groupCoordinatorSuspect = true;
  }

  /** After a dead end or a deadline: the producer is closed now (its leftover retries end) and replaced. */
  #retire(instance: Instance): void {
    this.#spoil(instance);
    if (instance.retired) return;
    void this.#close(instance);
  }

  /**
   * One library call on `instance`, settled by the first of: its answer, a dead end met by any of
   * its retries, the deadline. A failure spoils the producer; a dead end or the deadline retires it
   * (`keep`: neither, the caller asks again on the same producer; see {@link #commit}).
   */
  #call<T>(instance: Instance, what: string, call: () => Promise<T>, keep = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fail = (error: unknown, deadEnd: boolean) => {
        clearTimeout(timer);
        instance.calls.delete(failHere);
        // `keep`: the caller asks again on this producer and retires or spoils it itself.
        if (!keep) {
          if (deadEnd) this.#retire(instance);
          else this.#spoil(instance);
        }
        reject(error instanceof SwitchyardError ? error : withErrorType(error));
      };
      const failHere = (error: unknown) => fail(error, true);
      const timer = setTimeout(() => failHere(unavailableError(`@platformatic/kafka ${what}`, `no answer within ${this.#deadlineMs} ms (the transaction timeout, else the request timeout)`)), this.#deadlineMs);
      instance.calls.add(failHere);
      Promise.resolve()
        .then(call)
        .then(
          (value) => {
            clearTimeout(timer);
            instance.calls.delete(failHere);
            resolve(value);
          },
          (error: unknown) => fail(error, isDeadEnd(error)),
        );
    });
  }

  /** Runs `operation` after every earlier one (see the class note). */
  #serial<T>(operation: (instance: Instance) => Promise<T>): Promise<T> {
    return this.#turns.run(() => operation(this.#current()));
  }

  /** `batch` as requests under the caps, each one library call with its own deadline. */
  async #sendSplit(instance: Instance, batch: readonly TopicRecords[], send: (messages: MessageToProduce[]) => Promise<ProduceResult>): Promise<RecordAck[]> {
    const acks: RecordAck[] = [];
    for (const request of splitProduceBatch(batch, this.#caps)) acks.push(...toAcks(await this.#call(instance, 'send', () => send(toMessages(request)))));
    return acks;
  }

  /**
   * Encoded records as one library message per partition and request (a framed section, see
   * produce-request.encoder.ts): the library's per-message work (header Maps, partition keys,
   * sequence counts) is done once per partition instead of once per record.
   */
  async #sendEncoded(instance: Instance, topic: string, lists: readonly EncodedRecordList[], send: (messages: MessageToProduce[]) => Promise<ProduceResult>): Promise<void> {
    if (lists.every((list) => list.count === 0)) return;
    const metadata = await this.#call(instance, 'metadata', () => instance.producer.metadata({ topics: [topic] }));
    const partitions = metadata.topics.get(topic)?.partitionsCount;
    if (!partitions) throw new Error(`topic ${topic} has no partitions in the cluster metadata`);
    const nullKeysFrom = Math.floor(Math.random() * partitions);
    for (const request of partitionSections(lists, partitions, this.#caps.maxTopicBytes, this.#caps.maxRequestBytes, nullKeysFrom)) {
      const messages = request.map((section) => ({ topic, partition: section.partition, value: sectionMessageValue(section) }) as MessageToProduce);
      await this.#call(instance, 'send', () => send(messages));
    }
  }

  send(batch: readonly TopicRecords[]): Promise<RecordAck[]> {
    return this.#serial((instance) => this.#sendSplit(instance, batch, (messages) => instance.producer.send({ messages, acks: -1 })));
  }

  /**
   * A transaction holds the producer until it is committed or aborted (later sends and
   * transactions wait for it).
   */
  async transaction(): Promise<TransactionPort> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let begun!: (started: { tx: Transaction; instance: Instance }) => void;
    let failed!: (error: unknown) => void;
    const started = new Promise<{ tx: Transaction; instance: Instance }>((resolve, reject) => ((begun = resolve), (failed = reject)));
    void this.#turns.run(async () => {
      const instance = this.#current();
      try {
        begun({ tx: await this.#call(instance, 'beginTransaction', () => instance.producer.beginTransaction()), instance });
      } catch (error) {
        failed(error);
        return;
      }
      await held;
    });
    const { tx, instance } = await started;
    const ended = () => release();
    // One send at a time in a transaction: @platformatic/kafka lets concurrent calls share one
    // in-flight AddPartitionsToTxn (deduplicated by operation name), so the partitions of a second
    // send were never added and the broker refused its records (TRANSACTION_ABORTABLE).
    const sends = new Turns();
    return {
      send: (batch) => sends.run(() => this.#sendSplit(instance, batch, (messages) => tx.send({ messages, acks: -1 }))),
      sendEncoded: (topic, lists) => sends.run(() => this.#sendEncoded(instance, topic, lists, (messages) => tx.send({ messages, acks: -1 }))),
      sendOffsets: (group, offsets) => this.#sendOffsets(instance, tx, group, offsets),
      commit: () => this.#commit(instance, tx).finally(ended),
      abort: () => {
        // A producer closed after a dead end cannot reach its coordinator: its successor's
        // InitProducerId (same transactional id) aborts the open transaction, else the broker does
        // at the transaction timeout.
        if (instance.retired) return Promise.resolve().finally(ended);
        return this.#call(instance, 'abort', () => tx.abort())
          .catch((error: unknown) => {
            this.#logger.warn({ err: error }, 'aborting a transaction failed; the producer is replaced');
          })
          .finally(ended);
      },
    };
  }

  /**
   * EndTxn(commit) until the coordinator answers it. A commit whose answer is lost (a connection
   * reset, the coordinator moved or died) may have landed: giving up and replacing the producer
   * leaves its fate unknown, and a caller that writes the batch again then writes it twice (the
   * events network-fault test saw 3 routed records doubled that way). So the commit is asked again
   * of the same producer (same producer id and epoch), the coordinator found anew each time, as
   * Java's producer does: the coordinator answers a repeated commit of a committed transaction
   * with success, commits one still open, and refuses (fenced, invalid epoch or state) one it
   * aborted at its timeout. Only an answer settles it: success, or a refusal that says the
   * transaction did not commit. After COMMIT_PATIENCE transaction timeouts with no answer the
   * producer is retired and the call fails with SY_KAFKA_COMMIT_UNKNOWN (not retriable: the
   * transaction may have committed).
   */
  async #commit(instance: Instance, tx: Transaction): Promise<void> {
    const giveUpAt = Date.now() + COMMIT_PATIENCE * this.#deadlineMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#call(instance, 'commit', () => tx.commit(), true);
        this.#logger.debug({ attempt }, 'transaction committed');
        return;
      } catch (error) {
        if (!isUnanswered(error)) {
          this.#spoil(instance);
          throw error;
        }
        if (Date.now() >= giveUpAt || instance.retired) {
          this.#retire(instance);
          throw new SwitchyardError('SY_KAFKA_COMMIT_UNKNOWN', `@platformatic/kafka commit: no answer from the transaction coordinator after ${attempt} attempts over ${COMMIT_PATIENCE * this.#deadlineMs} ms; the transaction may have committed`, {
            hint: 'Read the written topics (read_committed) or the group\'s committed offsets to learn whether it landed before writing it again.',
            details: { attempts: attempt, kafkaError: protocolErrorId(error) ?? null },
            cause: withErrorType(error),
          });
        }
        this.#logger.warn({ err: error, attempt }, 'a transaction commit got no answer; asking the coordinator again (same producer, same epoch)');
        await new Promise((resolve) => setTimeout(resolve, Math.min(COMMIT_RETRY_MAX_MS, COMMIT_RETRY_FIRST_MS * 2 ** (attempt - 1))));
      }
    }
  }

  /**
   * TxnOffsetCommit fenced by the group's generation and member id (KIP-447), all offsets in one
   * request (txn-offset-commit.ts; the library's `addOffset` sends one request per partition, one
   * after the other). After any failed call the group coordinator is looked up again (it may have
   * moved with a lost broker).
   */
  async #sendOffsets(instance: Instance, tx: Transaction, group: ConsumerGroupMetadata, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    // addConsumer reads the group id only.
    await this.#call(instance, 'addConsumer', () => tx.addConsumer({ groupId: group.groupId } as Parameters<typeof tx.addConsumer>[0]));
    const coordinatorId = await this.#call(instance, 'findCoordinator', () => this.#coordinatorOf(group.groupId, { fresh: this.#groupCoordinatorSuspect }));
    this.#groupCoordinatorSuspect = false;
    const broker = (await this.#call(instance, 'metadata', () => instance.producer.metadata({ topics: [] }))).brokers.get(coordinatorId);
    if (!broker) {
      this.#groupCoordinatorSuspect = true;
      throw unavailableError('@platformatic/kafka TxnOffsetCommit', `the group coordinator ${coordinatorId} of ${group.groupId} is not in the cluster metadata`);
    }
    await this.#call(instance, 'txnOffsetCommit', () => commitTransactionOffsets(instance.producer, this.#options.transactionalId!, group, broker, offsets));
  }
}
