/**
 * Where a stream is in Kafka: for every topic partition it covers, the next offset to read. Every
 * message a client gets carries the cursor after it as its id (SSE `id:`, WebSocket `id`), so a
 * client that reconnects with it (`Last-Event-ID`) resumes exactly after the last message it saw,
 * on any gateway instance, within the topics' retention.
 *
 * Wire form: base64url of the JSON `[[topic, [next offset of partition 0, 1, ...]], ...]`
 * (offsets as numbers: Kafka offsets stay far below 2^53 in practice; a larger one is refused).
 */
import { SwitchyardError } from '@switchyard/protocol';

/** `topic` and `partition` as one map key. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The topic and partition of a {@link partitionKey}. */
export function splitPartitionKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** Longest id accepted from a client (a cursor of a few hundred partitions). */
const MAX_ID_CHARS = 16_384;

export class StreamCursor {
  readonly #next: Map<string, bigint>;

  constructor(next: ReadonlyMap<string, bigint> = new Map()) {
    this.#next = new Map(next);
  }

  /** The next offset to read of the partition, undefined when the cursor does not cover it. */
  next(topic: string, partition: number): bigint | undefined {
    return this.#next.get(partitionKey(topic, partition));
  }

  /** True when the record at `offset` is after the cursor (not yet seen); a partition the cursor does not cover counts as unseen. */
  isAhead(topic: string, partition: number, offset: bigint): boolean {
    const next = this.#next.get(partitionKey(topic, partition));
    return next === undefined || offset >= next;
  }

  /** Moves the partition's position to `next` when that is further on (never back). */
  advance(topic: string, partition: number, next: bigint): void {
    const key = partitionKey(topic, partition);
    const current = this.#next.get(key);
    if (current === undefined || next > current) this.#next.set(key, next);
  }

  /** A copy. */
  clone(): StreamCursor {
    return new StreamCursor(this.#next);
  }

  entries(): IterableIterator<[string, bigint]> {
    return this.#next.entries();
  }

  get size(): number {
    return this.#next.size;
  }

  /** The wire form (see the file comment). */
  encode(): string {
    const byTopic = new Map<string, number[]>();
    for (const [key, next] of this.#next) {
      const { topic, partition } = splitPartitionKey(key);
      const offsets = byTopic.get(topic) ?? [];
      offsets[partition] = Number(next);
      byTopic.set(topic, offsets);
    }
    const compact = [...byTopic].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([topic, offsets]) => [topic, Array.from(offsets, (o) => o ?? -1)]);
    return Buffer.from(JSON.stringify(compact)).toString('base64url');
  }

  /**
   * Reads a cursor a client sent back.
   * @throws SwitchyardError `SY_INVALID_ARGUMENT` naming `field` when it is not one this gateway wrote.
   */
  static decode(id: string, field: string): StreamCursor {
    const refuse = (why: string) =>
      new SwitchyardError('SY_INVALID_ARGUMENT', `${field}: ${why}.`, { details: { field }, hint: 'Send back the id of the last message received, unchanged, or leave it out to start at the live end.' });
    if (id.length > MAX_ID_CHARS || !/^[A-Za-z0-9_-]*$/.test(id)) throw refuse('not a stream position (expected a base64url id of a message of this stream)');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    } catch {
      throw refuse('not a stream position (its content is not JSON)');
    }
    if (!Array.isArray(parsed)) throw refuse('not a stream position (expected a list of topics)');
    const next = new Map<string, bigint>();
    for (const entry of parsed) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) throw refuse('not a stream position (expected [topic, offsets] pairs)');
      (entry[1] as unknown[]).forEach((offset, partition) => {
        if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < -1) throw refuse(`offset ${String(offset)} of ${entry[0]}/${partition} is not a Kafka offset`);
        if (offset >= 0) next.set(partitionKey(entry[0] as string, partition), BigInt(offset));
      });
    }
    return new StreamCursor(next);
  }
}
