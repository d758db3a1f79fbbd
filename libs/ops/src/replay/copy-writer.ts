/**
 * Writes a replay's copies in Kafka transactions while the reader goes on fetching. RangeCopier
 * hands over chunks (copies of one source partition plus that partition's progress after them);
 * the writer takes what is queued, up to the transaction caps and across partitions, and writes
 * it in ONE transaction together with the replay group's progress of every partition in it
 * (sendOffsets). A copy is visible (read_committed) exactly when its progress is committed. A
 * failed transaction is aborted and fails the writer: nothing queued after it is written, and a
 * rerun resumes from the last commit.
 */
import type { EncodedRecords, OutgoingRecord, ProducerPort } from '@switchyard/kafka';
import { ChangeSignal } from './change-signal.js';

/** Copies of one source partition and the progress that covers them. */
export interface CopyChunk {
  readonly partition: number;
  readonly records: readonly OutgoingRecord[];
  /** Copies written straight from the fetched bytes (raw records), after `records`. */
  readonly encoded?: EncodedRecords;
  /** Estimated encoded bytes of the copies. */
  readonly bytes: number;
  /** The partition's next offset to read once this chunk is written (its records and every skipped one before). */
  readonly position: bigint;
}

/** The copies a chunk holds. */
export const copiesIn = (chunk: CopyChunk): number => chunk.records.length + (chunk.encoded?.count ?? 0);

/** Caps of one transaction (and of one chunk): the target's batches stay under the 1 MiB default max.message.bytes. */
export const TRANSACTION_CAPS = Object.freeze({ maxRecords: 20_000, maxBytes: 4 * 1024 * 1024 });

/** The reader may run this far ahead of the transaction in flight (records queued, not yet in a transaction). */
export const MAX_QUEUED_RECORDS = 2 * TRANSACTION_CAPS.maxRecords;

/** Where chunks go: a CopyWriter in this thread, a ThreadWriter, or the WriterLanes routing to them. */
export interface ChunkWriter {
  /**
   * Queues `chunk` (waiting while the queue is full). False when the writer is stopping or
   * stopped: the chunk is not written. Throws the failure once a transaction failed.
   */
  write(chunk: CopyChunk): Promise<boolean>;
  /** Drops what is queued and waits for the transaction in flight; throws if a transaction failed. */
  stop(): Promise<void>;
}

/** What a writer reports. */
export interface CopyWriterEvents {
  /** Called in commit order, once per partition of a committed transaction. */
  readonly onCommitted: (partition: number, position: bigint, written: number) => void;
  /** Called once when a transaction failed (it was aborted; the writer accepts nothing more). */
  readonly onFailed: (error: unknown) => void;
}

export interface CopyWriterOptions extends CopyWriterEvents {
  /** Absent in a dry run: progress is only recorded in memory, nothing is written. */
  readonly producer?: ProducerPort;
  readonly topic: string;
  readonly toTopic: string;
  readonly group: string;
}

type WriterState = 'open' | 'stopping' | 'stopped' | 'failed';

/** The writer's lifecycle (STYLE.md #6): stopping drops the queue and waits for the transaction in flight. */
const TRANSITIONS: Readonly<Record<WriterState, readonly WriterState[]>> = {
  open: ['stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

/** Writes chunks in transactions of this thread's producer. */
export class CopyWriter implements ChunkWriter {
  readonly #options: CopyWriterOptions;
  readonly #queue: CopyChunk[] = [];
  #queuedRecords = 0;
  #state: WriterState = 'open';
  #error: unknown;
  #writing = false;
  readonly #changed = new ChangeSignal();

  constructor(options: CopyWriterOptions) {
    this.#options = options;
  }

  async write(chunk: CopyChunk): Promise<boolean> {
    while (this.#state === 'open' && this.#queuedRecords >= MAX_QUEUED_RECORDS) await this.#changed.next();
    if (this.#state === 'failed') throw this.#error;
    if (this.#state !== 'open') return false;
    this.#queue.push(chunk);
    this.#queuedRecords += copiesIn(chunk);
    if (!this.#writing) void this.#writeQueued();
    return true;
  }

  async stop(): Promise<void> {
    if (this.#state === 'open') this.#moveTo('stopping');
    this.#queue.length = 0;
    this.#queuedRecords = 0;
    while (this.#writing) await this.#changed.next();
    if (this.#state === 'stopping') this.#moveTo('stopped');
    if (this.#state === 'failed') throw this.#error;
  }

  #moveTo(next: WriterState): void {
    if (!TRANSITIONS[this.#state].includes(next)) throw new Error(`copy writer: ${this.#state} -> ${next}`);
    this.#state = next;
    this.#notify();
  }

  #notify(): void {
    this.#changed.notify();
  }

  async #writeQueued(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#state === 'open' && this.#queue.length > 0) {
        const chunks = this.#takeTransaction();
        await this.#writeTransaction(chunks);
        for (const [partition, { position, written }] of progressOf(chunks)) this.#options.onCommitted(partition, position, written);
        this.#notify();
      }
    } catch (error) {
      this.#error = error;
      this.#moveTo('failed');
      this.#options.onFailed(error);
    } finally {
      this.#writing = false;
      this.#notify();
    }
  }

  /** The queued chunks of the next transaction: at least one, then as many as fit the caps. */
  #takeTransaction(): CopyChunk[] {
    const taken = [this.#queue.shift()!];
    let records = copiesIn(taken[0]!);
    let bytes = taken[0]!.bytes;
    for (let next = this.#queue[0]; next; next = this.#queue[0]) {
      if (records + copiesIn(next) > TRANSACTION_CAPS.maxRecords || bytes + next.bytes > TRANSACTION_CAPS.maxBytes) break;
      taken.push(this.#queue.shift()!);
      records += copiesIn(next);
      bytes += next.bytes;
    }
    this.#queuedRecords -= records;
    return taken;
  }

  /** The chunks' copies and every partition's progress in one transaction (nothing in a dry run). */
  async #writeTransaction(chunks: readonly CopyChunk[]): Promise<void> {
    const { producer, topic, toTopic, group } = this.#options;
    if (!producer) return;
    const records: OutgoingRecord[] = [];
    for (const chunk of chunks) for (const record of chunk.records) records.push(record);
    const encoded = chunks.flatMap((chunk) => (chunk.encoded && chunk.encoded.count > 0 ? [chunk.encoded] : []));
    const offsets = [...progressOf(chunks)].map(([partition, { position }]) => ({ topic, partition, offset: position.toString() }));
    const tx = await producer.transaction();
    try {
      if (records.length > 0) await tx.send([{ topic: toTopic, records }]);
      if (encoded.length > 0) await tx.sendEncoded(toTopic, encoded);
      // Group id only: a replay is fenced by its transactional id (one per replay id and lane), so
      // a second process of the same replay bumps the epoch and this one's commit is refused.
      await tx.sendOffsets({ groupId: group, generationId: -1, memberId: '' }, offsets);
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  }
}

/** Per partition, the progress after the last of its chunks and how many copies they hold. */
function progressOf(chunks: readonly CopyChunk[]): Map<number, { position: bigint; written: number }> {
  const progress = new Map<number, { position: bigint; written: number }>();
  for (const chunk of chunks) {
    const seen = progress.get(chunk.partition);
    progress.set(chunk.partition, { position: chunk.position, written: (seen?.written ?? 0) + copiesIn(chunk) });
  }
  return progress;
}
