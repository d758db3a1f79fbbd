import type { RecordSection } from '../records/encoded-sections.js';
import { crc32c, kGetApi, produceV9, produceV10, produceV11, Writer, type NumericMap } from '@platformatic/kafka';

/**
 * A Produce request (v9-v11, uncompressed) encoded into ONE buffer, byte for byte what
 * @platformatic/kafka's own encoder writes. The library builds every record as a chain of small
 * Buffers (a DynamicBuffer per record, one allocation per varint) and concatenates them twice (for
 * the CRC and for the socket): ~20 µs of CPU per replay-shaped record, most of a replay's cost.
 * Here each batch's size is computed first, then every field is written in place.
 */

/** A message as the library hands it to its Produce API: serialized, partition assigned. */
export interface EncodableMessage {
  readonly key?: Buffer | null;
  readonly value?: Buffer | null;
  readonly headers?: Map<Buffer, Buffer> | null;
  readonly topic: string;
  partition?: number;
  timestamp?: bigint;
}

/** What the library passes as the Produce API's options. */
export interface ProduceEncodeOptions {
  readonly compression?: string;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly sequences?: NumericMap;
  readonly transactionalId?: string | null;
  readonly partitionLeaderEpoch?: number;
}

const MAGIC = 2;
const TRANSACTIONAL = 0x10;
/** Batch fields from partitionLeaderEpoch to the record count (the batch length counts them). */
const BATCH_FIELDS_BYTES = 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** baseOffset (int64) and batchLength (int32) before them. */
const BATCH_HEAD_BYTES = 12;
/** Where the CRC'd part (attributes to the end) starts in a batch. */
const CRC_FROM = BATCH_HEAD_BYTES + 4 + 1 + 4;

const isBuffer = (value: unknown): value is Buffer => Buffer.isBuffer(value);

function unsignedVarIntSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Zigzag of a signed int (as Kafka's varint/varlong): 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
const zigzag = (value: number) => (value >= 0 ? value * 2 : -value * 2 - 1);

const bytesSize = (value: Buffer | null | undefined) => (value == null ? 1 : unsignedVarIntSize(value.length * 2) + value.length);

class Cursor {
  at = 0;
  constructor(readonly buffer: Buffer) {}

  uvarint(value: number): void {
    const b = this.buffer;
    while (value >= 0x80) {
      b[this.at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    b[this.at++] = value;
  }

  varint(value: number): void {
    this.uvarint(zigzag(value));
  }

  int8(value: number): void {
    this.at = this.buffer.writeInt8(value, this.at);
  }

  int16(value: number): void {
    this.at = this.buffer.writeInt16BE(value, this.at);
  }

  int32(value: number): void {
    this.at = this.buffer.writeInt32BE(value, this.at);
  }

  int64(value: bigint): void {
    this.at = this.buffer.writeBigInt64BE(value, this.at);
  }

  /** Kafka's record `bytes`: varint length (-1 = null), then the bytes. */
  bytes(value: Buffer | null | undefined): void {
    if (value == null) return this.varint(-1);
    this.varint(value.length);
    // TypedArray#set: Buffer#copy's argument checks cost more than copying a small value.
    this.buffer.set(value, this.at);
    this.at += value.length;
  }

  /** A compact (nullable) string: unsigned varint length + 1 (0 = null), then UTF-8. */
  compactString(value: string | null | undefined): void {
    if (value == null) return this.uvarint(0);
    const length = Buffer.byteLength(value);
    this.uvarint(length + 1);
    this.at += this.buffer.write(value, this.at);
  }
}

/** Messages grouped as the library groups them (its `groupByProperty`: string keys of a null-prototype object). */
function groupBy<T, K extends keyof T>(entries: readonly T[], property: K): [string, T[]][] {
  const buckets: Record<string, T[]> = Object.create(null) as Record<string, T[]>;
  for (const entry of entries) (buckets[String(entry[property])] ??= []).push(entry);
  return Object.entries(buckets);
}

/** Per record of a batch: its body size (after the length varint) and timestamp delta. */
interface Sizes {
  readonly body: Int32Array;
  readonly timestampDelta: Float64Array;
  /** All records, length varints included. */
  readonly bytes: number;
  readonly maxTimestamp: bigint;
}

/** Bytes of a record's headers (count varint included); -1 when one is not Buffers only. */
function headersSize(headers: Map<Buffer, Buffer> | null | undefined): number {
  if (!headers || headers.size === 0) return 1;
  let bytes = unsignedVarIntSize(zigzag(headers.size));
  let buffersOnly = true;
  headers.forEach((value, name) => {
    if (!isBuffer(name) || (value != null && !isBuffer(value))) buffersOnly = false;
    else bytes += bytesSize(name) + bytesSize(value);
  });
  return buffersOnly ? bytes : -1;
}

/** Sizes of a partition's records (undefined when one is not Buffers only: the library encodes that request). */
function sizeRecords(messages: readonly EncodableMessage[], firstTimestamp: bigint): Sizes | undefined {
  const body = new Int32Array(messages.length);
  const timestampDelta = new Float64Array(messages.length);
  let bytes = 0;
  let maxTimestamp = firstTimestamp;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if ((m.key != null && !isBuffer(m.key)) || (m.value != null && !isBuffer(m.value))) return undefined;
    const ts = m.timestamp!;
    // Records of one send mostly share the time of the send: no BigInt arithmetic then.
    let delta = 0;
    if (ts !== firstTimestamp) {
      if (ts > maxTimestamp) maxTimestamp = ts;
      delta = Number(ts - firstTimestamp);
    }
    const headers = headersSize(m.headers);
    if (headers < 0) return undefined;
    const size = 1 + unsignedVarIntSize(zigzag(delta)) + unsignedVarIntSize(zigzag(i)) + bytesSize(m.key) + bytesSize(m.value) + headers;
    body[i] = size;
    timestampDelta[i] = delta;
    bytes += unsignedVarIntSize(zigzag(size)) + size;
  }
  return { body, timestampDelta, bytes, maxTimestamp };
}

interface PlannedBatch {
  readonly partition: number;
  readonly messages: readonly EncodableMessage[];
  readonly sizes: Sizes;
  readonly firstTimestamp: bigint;
  /** The whole batch, baseOffset included. */
  readonly bytes: number;
}

/**
 * Records framed already (records/encoded-sections.ts), sent as the value of ONE library message
 * per partition: the library counts that message as one record, so its sequence numbers run
 * behind by `count - 1` per section; EncodedSequences makes up the difference.
 */
const sections = new WeakMap<Buffer, RecordSection>();

/** The value of the message that carries `section` (a placeholder the encoder knows it by). */
export function sectionMessageValue(section: RecordSection): Buffer {
  const value = Buffer.alloc(0);
  sections.set(value, section);
  return value;
}

/** A batch of one section. */
interface SectionBatch {
  readonly partition: number;
  readonly section: RecordSection;
  readonly timestamp: bigint;
  readonly bytes: number;
}

/**
 * The records the library did not count, per partition, for one producer id and epoch (a new one
 * starts its sequences from 0, and so does the library): added when a request of sections succeeds,
 * so a retry of that request gets the same sequence numbers (the broker answers a duplicate as a success).
 */
export class EncodedSequences {
  #producer = '';
  readonly #uncounted = new Map<string, number>();

  #for(options: ProduceEncodeOptions): Map<string, number> {
    const producer = `${options.producerId ?? -1n}/${options.producerEpoch ?? -1}`;
    if (producer !== this.#producer) {
      this.#producer = producer;
      this.#uncounted.clear();
    }
    return this.#uncounted;
  }

  uncounted(options: ProduceEncodeOptions, partitionKey: string): number {
    return this.#for(options).get(partitionKey) ?? 0;
  }

  add(options: ProduceEncodeOptions, partitionKey: string, records: number): void {
    const uncounted = this.#for(options);
    uncounted.set(partitionKey, (uncounted.get(partitionKey) ?? 0) + records);
  }
}

/** What a request of sections leaves uncounted, per partition key: added once it succeeds. */
export type Uncounted = [partitionKey: string, records: number][];

/** A batch's fields before its records. */
interface BatchHeader {
  readonly bytes: number;
  readonly count: number;
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly sequence: number;
}

/** Writes a batch's header (CRC left for `closeBatch`); returns where the batch and its CRC start. */
function openBatch(c: Cursor, header: BatchHeader, options: ProduceEncodeOptions): { start: number; crcAt: number } {
  const start = c.at;
  c.int64(0n);
  c.int32(header.bytes - BATCH_HEAD_BYTES);
  c.int32(options.partitionLeaderEpoch ?? 0);
  c.int8(MAGIC);
  const crcAt = c.at;
  c.at += 4;
  c.int16(options.transactionalId ? TRANSACTIONAL : 0);
  c.int32(header.count - 1);
  c.int64(header.firstTimestamp);
  c.int64(header.maxTimestamp);
  c.int64(options.producerId ?? -1n);
  c.int16(options.producerEpoch ?? 0);
  c.int32(header.sequence);
  c.int32(header.count);
  return { start, crcAt };
}

/** Writes the CRC of the batch written since `openBatch`. */
function closeBatch(c: Cursor, opened: { start: number; crcAt: number }): void {
  c.buffer.writeUInt32BE(crc32c(c.buffer.subarray(opened.start + CRC_FROM, c.at)), opened.crcAt);
}

function writeSectionBatch(c: Cursor, batch: SectionBatch, options: ProduceEncodeOptions, sequence: number): void {
  const { count } = batch.section;
  const opened = openBatch(c, { bytes: batch.bytes, count, firstTimestamp: batch.timestamp, maxTimestamp: batch.timestamp, sequence }, options);
  c.at = batch.section.write(c.buffer, c.at);
  closeBatch(c, opened);
}

function writeBatch(c: Cursor, batch: PlannedBatch, options: ProduceEncodeOptions): void {
  const { messages, sizes } = batch;
  const first = messages[0]!;
  const sequence = options.sequences ? options.sequences.getWithDefault(`${first.topic}:${first.partition}`, 0) : 0;
  const opened = openBatch(c, { bytes: batch.bytes, count: messages.length, firstTimestamp: batch.firstTimestamp, maxTimestamp: sizes.maxTimestamp, sequence }, options);
  const writeHeader = (value: Buffer, name: Buffer) => {
    c.bytes(name);
    c.bytes(value);
  };
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    c.varint(sizes.body[i]!);
    c.buffer[c.at++] = 0; // attributes
    c.varint(sizes.timestampDelta[i]!);
    c.varint(i);
    c.bytes(m.key);
    c.bytes(m.value);
    const headers = m.headers;
    c.varint(headers?.size ?? 0);
    headers?.forEach(writeHeader);
  }
  closeBatch(c, opened);
}

/** One partition's batch of a request: a section's, or the messages' (undefined when one is not Buffers only). */
function planBatch(partition: number, messages: readonly EncodableMessage[], sectionsAllowed: boolean): PlannedBatch | SectionBatch | undefined {
  const firstTimestamp = messages[0]!.timestamp!;
  const section = messages.length === 1 && messages[0]!.value ? sections.get(messages[0]!.value) : undefined;
  if (section !== undefined) {
    if (!sectionsAllowed) throw new Error('produce request encoder: a section of encoded records without EncodedSequences');
    return { partition, section, timestamp: firstTimestamp, bytes: BATCH_HEAD_BYTES + BATCH_FIELDS_BYTES + section.bytes };
  }
  if (messages.some((m) => m.value && sections.has(m.value))) throw new Error('produce request encoder: a section of encoded records shares its partition with other records');
  const sizes = sizeRecords(messages, firstTimestamp);
  if (!sizes) return undefined;
  return { partition, messages, sizes, firstTimestamp, bytes: BATCH_HEAD_BYTES + BATCH_FIELDS_BYTES + sizes.bytes };
}

/**
 * The Produce request body (after the request header) for the library's arguments, or undefined
 * when the library must encode it itself (compression, or keys, values or headers not Buffers).
 * Like the library, it fills in each message's missing partition (0) and timestamp (now).
 */
export function encodeProduceRequest(
  acks: number,
  timeout: number,
  messages: EncodableMessage[],
  options: ProduceEncodeOptions = {},
  encoded?: { readonly sequences: EncodedSequences; readonly uncounted: Uncounted },
): Writer | undefined {
  if ((options.compression ?? 'none') !== 'none') return undefined;
  const now = BigInt(Date.now());
  for (const m of messages) {
    m.partition ??= 0;
    m.timestamp ??= now;
  }
  let bytes = unsignedVarIntSize(options.transactionalId == null ? 0 : Buffer.byteLength(options.transactionalId) + 1) + (options.transactionalId == null ? 0 : Buffer.byteLength(options.transactionalId));
  bytes += 2 + 4 + 1; // acks, timeout, request tagged fields
  const topics: { topic: string; batches: (PlannedBatch | SectionBatch)[] }[] = [];
  const byTopic = groupBy(messages, 'topic');
  bytes += unsignedVarIntSize(byTopic.length + 1);
  for (const [topic, list] of byTopic) {
    const batches: (PlannedBatch | SectionBatch)[] = [];
    const byPartition = groupBy(list, 'partition');
    bytes += unsignedVarIntSize(Buffer.byteLength(topic) + 1) + Buffer.byteLength(topic) + unsignedVarIntSize(byPartition.length + 1) + 1;
    for (const [partition, batchMessages] of byPartition) {
      const batch = planBatch(Number(partition), batchMessages, encoded !== undefined);
      if (!batch) return undefined;
      batches.push(batch);
      bytes += 4 + unsignedVarIntSize(batch.bytes + 1) + batch.bytes + 1;
    }
    topics.push({ topic, batches });
  }
  const c = new Cursor(Buffer.allocUnsafe(bytes));
  c.compactString(options.transactionalId);
  c.int16(acks);
  c.int32(timeout);
  c.uvarint(topics.length + 1);
  for (const { topic, batches } of topics) {
    c.compactString(topic);
    c.uvarint(batches.length + 1);
    for (const batch of batches) {
      c.int32(batch.partition);
      c.uvarint(batch.bytes + 1);
      if ('section' in batch) {
        const partitionKey = `${topic}:${batch.partition}`;
        const counted = options.sequences ? options.sequences.getWithDefault(partitionKey, 0) : 0;
        writeSectionBatch(c, batch, options, counted + encoded!.sequences.uncounted(options, partitionKey));
        encoded!.uncounted.push([partitionKey, batch.section.count - 1]);
      } else writeBatch(c, batch, options);
      c.uvarint(0);
    }
    c.uvarint(0);
  }
  c.uvarint(0);
  if (c.at !== bytes) throw new Error(`produce request encoder: wrote ${c.at} bytes of ${bytes}`);
  const writer = Writer.create().append(c.buffer);
  if (acks === 0) writer.context.noResponse = true;
  return writer;
}

type ApiCallback = (error: Error | null, result?: unknown) => void;
interface ConnectionLike {
  send(apiKey: number, apiVersion: number, payload: () => Writer, parser: unknown, requestTagged: boolean, responseTagged: boolean, callback: ApiCallback): void;
}
type ProduceApi = ((connection: ConnectionLike, acks: number, timeout: number, messages: EncodableMessage[], options: ProduceEncodeOptions, callback: ApiCallback) => void) & {
  readonly key: number;
  readonly version: number;
};
type ApiGetter = (name: string, callback: (error: Error | null, api?: unknown) => void) => void;

const PRODUCE_PARSERS: Record<number, unknown> = { 9: produceV9.parseResponse, 10: produceV10.parseResponse, 11: produceV11.parseResponse };

/** The library's Produce API of one version with requests encoded here (the library's own when this cannot). */
function fastProduceApi(library: ProduceApi, sequences: EncodedSequences): ProduceApi {
  const parser = PRODUCE_PARSERS[library.version];
  const api = (connection: ConnectionLike, acks: number, timeout: number, messages: EncodableMessage[], options: ProduceEncodeOptions, callback: ApiCallback) => {
    let payload: Writer | undefined;
    const uncounted: Uncounted = [];
    try {
      payload = parser === undefined ? undefined : encodeProduceRequest(acks, timeout, messages, options, { sequences, uncounted });
    } catch (error) {
      return callback(error as Error);
    }
    if (!payload) {
      if (messages.some((m) => m.value && sections.has(m.value))) return callback(new Error(`produce request encoder: sections of encoded records need Produce v9-v11 without compression (v${library.version})`));
      return library(connection, acks, timeout, messages, options, callback);
    }
    connection.send(library.key, library.version, () => payload, parser, true, true, (error, result) => {
      if (!error) for (const [partitionKey, records] of uncounted) sequences.add(options, partitionKey, records);
      callback(error, result);
    });
  };
  return Object.assign(api, { key: library.key, version: library.version });
}

/**
 * Makes a library producer encode its Produce requests with {@link encodeProduceRequest}: its API
 * lookup (`kGetApi`, the base client's exported hook, as the consumer's JoinGroup hold uses)
 * answers 'Produce' with a wrapper of the negotiated version's API.
 */
export function withFastProduce<T extends object>(client: T): T {
  const target = client as unknown as Record<symbol, ApiGetter>;
  const getApi = target[kGetApi]!.bind(client);
  const wrapped = new Map<unknown, ProduceApi>();
  const sequences = new EncodedSequences();
  target[kGetApi] = (name, callback) => {
    if (name !== 'Produce') return getApi(name, callback);
    getApi(name, (error, api) => {
      if (error || !api) return callback(error, api);
      let fast = wrapped.get(api);
      if (!fast) wrapped.set(api, (fast = fastProduceApi(api as ProduceApi, sequences)));
      callback(null, fast);
    });
  };
  return client;
}
