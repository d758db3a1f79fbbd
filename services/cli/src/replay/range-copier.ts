/**
 * Copies the in-range records of fetched batches to the target topic. Each chunk of copies goes
 * out in ONE Kafka transaction together with the replay group's progress offset, so a copy is
 * visible (read_committed) exactly when its progress is committed: a run killed at any point
 * resumes from the last commit without a duplicate or a gap.
 */
import { recordSizeBytes, type BatchControl, type HeaderValue, type IncomingRecord, type OutgoingRecord, type ProducerPort, type RecordBatch } from '@switchyard/kafka';
import type { RecordPredicate } from './record-filter.js';
import type { PartitionRange } from './replay-plan.js';
import type { ReplayPacer } from './replay-pacer.js';
import type { ReplayStats } from './replay-stats.js';
import { REPLAY_HEADERS } from './replay.names.js';

/** Caps of one transaction, well below the 1 MiB default max.message.bytes. */
const MAX_RECORDS_PER_TRANSACTION = 2_000;
const MAX_BYTES_PER_TRANSACTION = 900 * 1024; // one partition's record batch stays under the 1 MiB default max.message.bytes
/** Waits shorter than this are folded into the next one (timers are not finer anyway). */
const MIN_WAIT_MS = 5;
const MAX_SAMPLES = 5;

export interface RangeCopierOptions {
  readonly topic: string;
  readonly toTopic: string;
  readonly group: string;
  readonly replayId: string;
  readonly ranges: readonly PartitionRange[];
  readonly matches: RecordPredicate;
  readonly pacer: ReplayPacer;
  readonly stats: ReplayStats;
  /** Absent in a dry run: nothing is written, matches are only counted and sampled. */
  readonly producer?: ProducerPort;
  readonly signal: AbortSignal;
  /** Rewrites a copy's original headers (a subscription target drops delivery state, sets target handlers); default: kept as they are. */
  readonly headersOf?: HeadersOf;
}

/** The headers a copy starts from, given the original record's. */
export type HeadersOf = (headers: Readonly<Record<string, Buffer>>) => Readonly<Record<string, HeaderValue>>;

/** Waits `ms` in slices, heartbeating so a long pause (--speed) keeps the group membership. */
async function pause(ms: number, signal: AbortSignal, control: BatchControl): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0 && !signal.aborted; left = until - Date.now()) {
    await sleep(Math.min(left, 1_000), signal);
    await heartbeat(control);
  }
}

/** Best effort: a rebalance shows up as a stale batch, which ends the copy loop. */
const heartbeat = (control: BatchControl) => control.heartbeat().catch(() => undefined);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** A replayed copy: key, value and headers kept (or rewritten by `headersOf`), origin and time of the replay added. */
export function replayedRecord(record: IncomingRecord, replayId: string, now = new Date(), headersOf?: HeadersOf): OutgoingRecord {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...(headersOf ? headersOf(record.headers) : record.headers),
      [REPLAY_HEADERS.origin]: `${record.topic}/${record.partition}/${record.offset}`,
      [REPLAY_HEADERS.replayedAt]: now.toISOString(),
      [REPLAY_HEADERS.replayId]: replayId,
    },
  };
}

export class RangeCopier {
  readonly #options: RangeCopierOptions;
  /** Next offset to read per partition; only moves when a transaction committed it. */
  readonly #positions = new Map<number, bigint>();
  readonly #ends = new Map<number, bigint>();
  readonly samples: IncomingRecord[] = [];

  constructor(options: RangeCopierOptions) {
    this.#options = options;
    for (const r of options.ranges) {
      this.#positions.set(r.partition, r.position);
      this.#ends.set(r.partition, r.end);
    }
  }

  /** Where partition `p` is to be read from next (undefined when it is not replayed). */
  position(partition: number): bigint | undefined {
    return this.#positions.get(partition);
  }

  isDone(partition: number): boolean {
    const position = this.#positions.get(partition);
    return position === undefined || position >= this.#ends.get(partition)!;
  }

  get allDone(): boolean {
    return [...this.#positions.keys()].every((p) => this.isDone(p));
  }

  /** Copies the batch's records of the partition's remaining range (earlier or later ones are skipped). */
  async copy(batch: RecordBatch, control: BatchControl): Promise<void> {
    const { partition } = batch;
    let position = this.#positions.get(partition);
    const end = this.#ends.get(partition);
    if (position === undefined || end === undefined) return;
    let chunk: OutgoingRecord[] = [];
    let bytes = 0;
    for (const record of batch.records) {
      if (this.#options.signal.aborted || !control.isRunning() || control.isStale()) break;
      const offset = BigInt(record.offset);
      if (offset < position) continue;
      if (offset >= end) break;
      const matched = this.#options.matches(record);
      if (matched) {
        const wait = this.#options.pacer.delayFor(Number(record.timestamp));
        if (wait >= MIN_WAIT_MS) {
          if (chunk.length > 0) [chunk, bytes] = [await this.#commit(partition, chunk, position, control), 0];
          await pause(wait, this.#options.signal, control);
          if (this.#options.signal.aborted) break;
        }
        const copy = replayedRecord(record, this.#options.replayId, new Date(), this.#options.headersOf);
        chunk.push(copy);
        bytes += recordSizeBytes(copy);
        if (!this.#options.producer && this.samples.length < MAX_SAMPLES) this.samples.push(record);
      }
      this.#options.stats.countRead(partition, matched);
      position = offset + 1n;
      if (chunk.length >= MAX_RECORDS_PER_TRANSACTION || bytes >= MAX_BYTES_PER_TRANSACTION) [chunk, bytes] = [await this.#commit(partition, chunk, position, control), 0];
    }
    // A batch that read to its end also passed any transaction markers after its last record.
    const fullyRead = !this.#options.signal.aborted && control.isRunning() && !control.isStale();
    if (fullyRead) {
      const afterBatch = BigInt(batch.lastOffset) + 1n;
      if (afterBatch > position) position = afterBatch < end ? afterBatch : end;
    }
    if (position > this.#positions.get(partition)!) await this.#commit(partition, chunk, position, control);
  }

  /** Writes `chunk` and the progress `position` atomically; returns an empty chunk. */
  async #commit(partition: number, chunk: OutgoingRecord[], position: bigint, control: BatchControl): Promise<OutgoingRecord[]> {
    const { producer, toTopic, topic, group, stats } = this.#options;
    if (producer) {
      const tx = await producer.transaction();
      try {
        if (chunk.length > 0) await tx.send([{ topic: toTopic, records: chunk }]);
        await tx.sendOffsets(group, [{ topic, partition, offset: position.toString() }]);
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => undefined);
        throw error;
      }
    }
    this.#positions.set(partition, position);
    stats.countWritten(partition, producer ? chunk.length : 0);
    await heartbeat(control);
    return [];
  }
}
