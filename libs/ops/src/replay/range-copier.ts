/**
 * Reads the in-range records of fetched batches and hands their copies to the CopyWriter, which
 * writes them in Kafka transactions together with the replay group's progress while the next
 * batches are fetched. Two positions per partition: `read` (handed to the writer; where fetching
 * goes on) and `committed` (written and committed; what a rerun resumes from). A run killed at
 * any point resumes from the last commit without a duplicate or a gap.
 */
import { batchRecords, EncodedRecords, ExtraHeaders, type BatchControl, type HeaderValue, type IncomingRecord, type OutgoingRecord, type RawRecords, type RecordBatch } from '@switchyard/kafka';
import { TRANSACTION_CAPS, type ChunkWriter } from './copy-writer.js';
import { matchAll, type RecordPredicate } from './record-filter.js';
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
  /** Copies of raw records (written from the fetched bytes). */
  encoded?: EncodedRecords;
  bytes: number;
  read: number;
  matched: number;
}

const newChunk = (): PendingChunk => ({ records: [], bytes: 0, read: 0, matched: 0 });

const isFull = (chunk: PendingChunk): boolean => chunk.records.length + (chunk.encoded?.count ?? 0) >= TRANSACTION_CAPS.maxRecords || chunk.bytes >= TRANSACTION_CAPS.maxBytes;

/** A batch being copied: its partition's range end and read position, the chunk being filled. */
interface BatchCopy {
  readonly partition: number;
  readonly end: bigint;
  position: bigint;
  chunk: PendingChunk;
  readonly stamp: ReplayStamp;
  readonly control: BatchControl;
}

/** A copy's framing beyond its tail (length, attributes, deltas), as the estimate of copyBytes counts it. */
const ENCODED_OVERHEAD_BYTES = 12;

/** The replay's headers of a raw copy (the origin's offset is written per copy, see ExtraHeaders). */
const replayHeaders = (stamp: ReplayStamp): ExtraHeaders =>
  new ExtraHeaders([
    { name: Buffer.from(REPLAY_HEADERS.origin), value: stamp.originPrefix, suffixed: true },
    { name: Buffer.from(REPLAY_HEADERS.replayedAt), value: stamp.replayedAt },
    { name: Buffer.from(REPLAY_HEADERS.replayId), value: stamp.replayId },
  ]);

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
    const position = this.#read.get(partition);
    if (position === undefined || end === undefined || position >= end) return;
    const { replayId, headersOf, dryRun } = this.#options;
    const run: BatchCopy = { partition, end, position, chunk: newChunk(), stamp: replayStamp(replayId, new Date(), batch.topic, partition), control };
    // Raw records are copied as bytes, unless the copies' headers are rewritten or nothing is written.
    const completed = batch.raw && !headersOf && !dryRun ? await this.#copyRaw(run, batch.raw) : await this.#copyRecords(run, batchRecords(batch));
    if (!completed) return;
    // A batch that read to its end also passed any transaction markers after its last record.
    const afterBatch = BigInt(batch.lastOffset) + 1n;
    if (afterBatch > run.position) run.position = afterBatch < end ? afterBatch : end;
    if (run.position > this.#read.get(partition)!) await this.#flush(run);
  }

  /** The copy loop over decoded records; false when it stopped early (writer stopped, paused out, stale). */
  async #copyRecords(run: BatchCopy, records: readonly IncomingRecord[]): Promise<boolean> {
    const { matches, headersOf, dryRun } = this.#options;
    for (const record of records) {
      const offset = BigInt(record.offset);
      if (offset < run.position) continue;
      if (offset >= run.end) break;
      if (matches(record)) {
        if (!(await this.#paced(run, Number(record.timestamp)))) return false;
        run.chunk.matched++;
        if (dryRun) {
          if (this.samples.length < MAX_SAMPLES) this.samples.push(record);
        } else {
          const copy = replayedRecord(record, run.stamp, headersOf);
          run.chunk.records.push(copy);
          run.chunk.bytes += copyBytes(copy);
        }
      }
      run.chunk.read++;
      run.position = offset + 1n;
      if (isFull(run.chunk) && !(await this.#flush(run))) return false;
    }
    return true;
  }

  /** The copy loop over raw records: each copy is written from the fetched bytes (EncodedRecords), no object per record. */
  async #copyRaw(run: BatchCopy, raw: RawRecords): Promise<boolean> {
    const { matches, pacer } = this.#options;
    const everything = matches === matchAll;
    const headers = replayHeaders(run.stamp);
    // A chunk's buffer sized for the batch's copies (up to a transaction's cap), not a fixed size:
    // many small batches queue many chunks.
    const sizeHint = Math.min(raw.byteLength + raw.count * (headers.size(Number(run.end)) + 8), TRANSACTION_CAPS.maxBytes);
    const newEncoded = () => new EncodedRecords(sizeHint, Math.min(raw.count, TRANSACTION_CAPS.maxRecords));
    const cursor = raw.cursor();
    const end = Number(run.end);
    let position = Number(run.position);
    while (cursor.next()) {
      const offset = cursor.offset;
      if (offset < position) continue;
      if (offset >= end) break;
      if (everything || matches(cursor.toIncoming())) {
        if (!pacer.unpaced) {
          run.position = BigInt(position);
          if (!(await this.#paced(run, cursor.timestamp))) return false;
        }
        run.chunk.matched++;
        const encoded = (run.chunk.encoded ??= newEncoded());
        const before = encoded.byteLength;
        encoded.appendCopy(cursor, headers, offset);
        run.chunk.bytes += encoded.byteLength - before + ENCODED_OVERHEAD_BYTES;
      }
      run.chunk.read++;
      position = offset + 1;
      if (isFull(run.chunk)) {
        run.position = BigInt(position);
        if (!(await this.#flush(run))) return false;
      }
    }
    run.position = BigInt(position);
    return true;
  }

  /** Waits for the pacer's time of a record stamped `timestamp` (handing over what waits first); false when the copy is to stop. */
  async #paced(run: BatchCopy, timestamp: number): Promise<boolean> {
    const { pacer, signal } = this.#options;
    const wait = pacer.unpaced ? 0 : pacer.delayFor(timestamp);
    if (wait < MIN_WAIT_MS) return true;
    if (!(await this.#flush(run))) return false;
    await pause(wait, signal, run.control);
    return !this.#stopped(run.control);
  }

  #stopped(control: BatchControl): boolean {
    return this.#options.signal.aborted || !control.isRunning() || control.isStale();
  }

  /** Hands the run's chunk over with its progress and starts a new one; false when the copy is to stop. */
  async #flush(run: BatchCopy): Promise<boolean> {
    const accepted = await this.#handOver(run.partition, run.chunk, run.position);
    run.chunk = newChunk();
    await heartbeat(run.control);
    return accepted && !this.#stopped(run.control);
  }

  /** Queues the chunk with the progress `position` (waiting while the writer's queue is full); false when the writer stopped. */
  async #handOver(partition: number, chunk: PendingChunk, position: bigint): Promise<boolean> {
    if (position <= this.#read.get(partition)!) return true;
    const accepted = await this.#options.writer.write({ partition, records: chunk.records, ...(chunk.encoded ? { encoded: chunk.encoded } : {}), bytes: chunk.bytes, position });
    if (accepted) {
      this.#read.set(partition, position);
      this.#options.stats.countRead(partition, chunk.read, chunk.matched);
    }
    return accepted;
  }
}
