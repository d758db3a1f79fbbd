/**
 * Reads the in-range records of fetched batches and hands their copies to the CopyWriter, which
 * writes them in Kafka transactions together with the replay group's progress while the next
 * batches are fetched. Two positions per partition: `read` (handed to the writer; where fetching
 * goes on) and `committed` (written and committed; what a rerun resumes from). A run killed at
 * any point resumes from the last commit without a duplicate or a gap.
 */
import type { BatchControl, HeaderValue, IncomingRecord, OutgoingRecord, RecordBatch } from '@switchyard/kafka';
import { TRANSACTION_CAPS, type ChunkWriter } from './copy-writer.js';
import type { RecordPredicate } from './record-filter.js';
import type { PartitionRange } from './replay-plan.js';
import type { ReplayPacer } from './replay-pacer.js';
import type { ReplayStats } from './replay-stats.js';
import { REPLAY_HEADERS } from './replay.names.js';

/** Waits shorter than this are folded into the next one (timers are not finer anyway). */
const MIN_WAIT_MS = 5;
const MAX_SAMPLES = 5;
/** Encoding overhead of a record beyond its key, value and header bytes (length, attributes, deltas, varints), rounded up. */
const RECORD_OVERHEAD_BYTES = 24;
const HEADER_OVERHEAD_BYTES = 4;

export interface RangeCopierOptions {
  readonly replayId: string;
  readonly ranges: readonly PartitionRange[];
  readonly matches: RecordPredicate;
  readonly pacer: ReplayPacer;
  readonly stats: ReplayStats;
  readonly writer: ChunkWriter;
  /** A dry run: matches are only counted and sampled, no copies are made. */
  readonly dryRun: boolean;
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

/**
 * The replay headers every copy of a fetched batch shares, as bytes made once per batch: the
 * replay's id and time, and the start of the origin. Strings would be encoded again for every copy
 * (sized here, by the produce splitter and by the producer).
 */
export interface ReplayStamp {
  readonly replayId: Buffer;
  /** ISO timestamp of the batch's copying. */
  readonly replayedAt: Buffer;
  /** `<topic>/<partition>/`: the origin header without the offset. */
  readonly originPrefix: Buffer;
}

export function replayStamp(replayId: string, replayedAt: Date, topic: string, partition: number): ReplayStamp {
  return { replayId: Buffer.from(replayId), replayedAt: Buffer.from(replayedAt.toISOString()), originPrefix: Buffer.from(`${topic}/${partition}/`) };
}

/** A copy's sy-replay-origin (`<topic>/<partition>/<offset>`): the stamp's prefix, then the offset's ASCII digits written in place. */
function originOf(prefix: Buffer, offset: string): Buffer {
  const bytes = Buffer.allocUnsafe(prefix.length + offset.length);
  bytes.set(prefix);
  bytes.write(offset, prefix.length, 'latin1');
  return bytes;
}

/** A replayed copy: key, value and headers kept (or rewritten by `headersOf`), the replay's headers added. */
export function replayedRecord(record: IncomingRecord, stamp: ReplayStamp, headersOf?: HeadersOf): OutgoingRecord {
  const headers: Record<string, HeaderValue> = Object.assign({}, headersOf ? headersOf(record.headers) : record.headers);
  headers[REPLAY_HEADERS.origin] = originOf(stamp.originPrefix, record.offset);
  headers[REPLAY_HEADERS.replayedAt] = stamp.replayedAt;
  headers[REPLAY_HEADERS.replayId] = stamp.replayId;
  return { key: record.key, value: record.value, headers };
}

/** UTF-8 lengths of header names seen: copies carry the same few names. */
const nameBytes = new Map<string, number>();
const NAMES_KEPT = 1_000;

function nameLength(name: string): number {
  let bytes = nameBytes.get(name);
  if (bytes === undefined) {
    bytes = Buffer.byteLength(name);
    if (nameBytes.size < NAMES_KEPT) nameBytes.set(name, bytes);
  }
  return bytes;
}

/** Estimated encoded bytes of a copy, an upper bound for ASCII header names (Kafka header names of Switchyard are). */
export function copyBytes(copy: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(copy.key) + byteLength(copy.value);
  const headers = copy.headers ?? {};
  for (const name in headers) bytes += HEADER_OVERHEAD_BYTES + nameLength(name) + byteLength(headers[name]);
  return bytes;
}

const byteLength = (v: string | Buffer | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/** Copies of one batch on their way to the writer, with the counts of what they cover. */
interface PendingChunk {
  records: OutgoingRecord[];
  bytes: number;
  read: number;
  matched: number;
}

export class RangeCopier {
  readonly #options: RangeCopierOptions;
  /** Next offset to read per partition: everything before it is with the writer (or committed). */
  readonly #read = new Map<number, bigint>();
  /** Next offset to read per partition as committed with the replay group's progress. */
  readonly #committed = new Map<number, bigint>();
  readonly #ends = new Map<number, bigint>();
  readonly samples: IncomingRecord[] = [];

  constructor(options: RangeCopierOptions) {
    this.#options = options;
    for (const r of options.ranges) {
      this.#read.set(r.partition, r.position);
      this.#committed.set(r.partition, r.position);
      this.#ends.set(r.partition, r.end);
    }
  }

  /** Where partition `p` is to be fetched from next (undefined when it is not replayed). */
  position(partition: number): bigint | undefined {
    return this.#read.get(partition);
  }

  /** True when the partition's range is read to its end (or the partition is not replayed). */
  isRead(partition: number): boolean {
    const position = this.#read.get(partition);
    return position === undefined || position >= this.#ends.get(partition)!;
  }

  /** True when the partition's range is written and committed to its end. */
  isDone(partition: number): boolean {
    const position = this.#committed.get(partition);
    return position === undefined || position >= this.#ends.get(partition)!;
  }

  get allDone(): boolean {
    return [...this.#committed.keys()].every((p) => this.isDone(p));
  }

  /** Records that the writer committed the partition's progress up to `position`. */
  committed(partition: number, position: bigint): void {
    if (position > (this.#committed.get(partition) ?? -1n)) this.#committed.set(partition, position);
  }

  /** Hands the copies of the batch's records of the partition's unread range to the writer (earlier or later ones are skipped). */
  async copy(batch: RecordBatch, control: BatchControl): Promise<void> {
    const { partition } = batch;
    const end = this.#ends.get(partition);
    let position = this.#read.get(partition);
    if (position === undefined || end === undefined || position >= end) return;
    const { matches, pacer, signal, replayId, headersOf, dryRun } = this.#options;
    const stopped = () => signal.aborted || !control.isRunning() || control.isStale();
    const stamp = replayStamp(replayId, new Date(), batch.topic, partition);
    let chunk: PendingChunk = { records: [], bytes: 0, read: 0, matched: 0 };
    const handOver = async (): Promise<boolean> => {
      const accepted = await this.#handOver(partition, chunk, position!);
      chunk = { records: [], bytes: 0, read: 0, matched: 0 };
      await heartbeat(control);
      return accepted && !stopped();
    };
    for (const record of batch.records) {
      const offset = BigInt(record.offset);
      if (offset < position) continue;
      if (offset >= end) break;
      if (matches(record)) {
        const wait = pacer.unpaced ? 0 : pacer.delayFor(Number(record.timestamp));
        if (wait >= MIN_WAIT_MS) {
          if (!(await handOver())) return;
          await pause(wait, signal, control);
          if (stopped()) return;
        }
        chunk.matched++;
        if (dryRun) {
          if (this.samples.length < MAX_SAMPLES) this.samples.push(record);
        } else {
          const copy = replayedRecord(record, stamp, headersOf);
          chunk.records.push(copy);
          chunk.bytes += copyBytes(copy);
        }
      }
      chunk.read++;
      position = offset + 1n;
      if ((chunk.records.length >= TRANSACTION_CAPS.maxRecords || chunk.bytes >= TRANSACTION_CAPS.maxBytes) && !(await handOver())) return;
    }
    // A batch that read to its end also passed any transaction markers after its last record.
    const afterBatch = BigInt(batch.lastOffset) + 1n;
    if (afterBatch > position) position = afterBatch < end ? afterBatch : end;
    if (position > this.#read.get(partition)!) await handOver();
  }

  /** Queues the chunk with the progress `position` (waiting while the writer's queue is full); false when the writer stopped. */
  async #handOver(partition: number, chunk: PendingChunk, position: bigint): Promise<boolean> {
    if (position <= this.#read.get(partition)!) return true;
    const accepted = await this.#options.writer.write({ partition, records: chunk.records, bytes: chunk.bytes, position });
    if (accepted) {
      this.#read.set(partition, position);
      this.#options.stats.countRead(partition, chunk.read, chunk.matched);
    }
    return accepted;
  }
}
