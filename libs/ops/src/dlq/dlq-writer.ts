/**
 * Writes what redrive and purge produce, chunk by chunk, each chunk in one Kafka transaction
 * together with its markers, throttled by a token bucket. The transactional id is fixed per
 * source (`switchyard-cli.dlq.<queue>`, `switchyard-cli.dlq.subscription.<sub>`, see
 * dlq-source.ts): opening a writer fences any older one still running for the same source,
 * whose next commit then fails, so two runs never both write an entry.
 */
import { TokenBucket } from '@switchyard/pipeline';
import type { KafkaClient, ProducerPort, TopicRecords } from '@switchyard/kafka';
import { opsError } from '../ops-error.js';
import type { DlqEntry } from './dlq-entry.js';

/** How a redrive reports its progress (the CLI draws a bar from it). */
export interface Progress {
  /** `by` more entries were written. */
  increment(by: number): void;
  /** The redrive ended (done, failed or interrupted). */
  stop(): void;
}

const MAX_CHUNK = 200;

export interface WriteOptions {
  /** Records per second; unlimited when undefined. */
  readonly rate?: number;
  readonly progress: Progress;
  /** The records one entry produces (including its marker). */
  readonly writesOf: (entry: DlqEntry, nowIso: string) => TopicRecords[];
  /**
   * Stops the write after the chunk in flight (the front end aborts it, e.g. on SIGINT): chunks
   * already committed stay, and the write fails with SY_OPERATION_INTERRUPTED.
   */
  readonly signal?: AbortSignal;
}

export class DlqWriter {
  readonly #producer: ProducerPort;

  private constructor(producer: ProducerPort) {
    this.#producer = producer;
  }

  /** Connects and takes over the source's transactional id (fencing an older writer). */
  static async open(client: KafkaClient, transactionalId: string): Promise<DlqWriter> {
    const producer = client.producer({ idempotent: true, transactionalId });
    await producer.connect();
    const writer = new DlqWriter(producer);
    try {
      // The first transaction registers the id with the coordinator: that is what fences.
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect();
      throw error;
    }
    return writer;
  }

  /** Writes every entry's records; resolves the number of entries written. */
  async write(entries: readonly DlqEntry[], options: WriteOptions): Promise<number> {
    const bucket = options.rate === undefined ? undefined : new TokenBucket({ max: options.rate, durationMs: 1_000 });
    const chunkSize = options.rate === undefined ? MAX_CHUNK : Math.min(MAX_CHUNK, Math.max(1, Math.ceil(options.rate)));
    const interrupted = () => options.signal?.aborted === true;
    let written = 0;
    try {
      for (let start = 0; start < entries.length && !interrupted(); start += chunkSize) {
        const chunk = entries.slice(start, start + chunkSize);
        for (const _ of chunk) await bucket?.take();
        if (interrupted()) break;
        await this.#commit(chunk, options.writesOf);
        written += chunk.length;
        options.progress.increment(chunk.length);
      }
    } finally {
      options.progress.stop();
    }
    if (written < entries.length) {
      throw opsError('SY_OPERATION_INTERRUPTED', `Interrupted after ${written} of ${entries.length} entries (each chunk is all or nothing).`, 'Run the same command again: entries already done are skipped.');
    }
    return written;
  }

  async close(): Promise<void> {
    await this.#producer.disconnect().catch(() => undefined);
  }

  async #commit(chunk: readonly DlqEntry[], writesOf: WriteOptions['writesOf']): Promise<void> {
    const nowIso = new Date().toISOString();
    const transaction = await this.#producer.transaction();
    try {
      await transaction.send(mergeByTopic(chunk.flatMap((entry) => writesOf(entry, nowIso))));
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }
}

/** One TopicRecords per topic, records in order. */
export function mergeByTopic(writes: readonly TopicRecords[]): TopicRecords[] {
  const byTopic = new Map<string, TopicRecords['records'][number][]>();
  for (const { topic, records } of writes) byTopic.set(topic, [...(byTopic.get(topic) ?? []), ...records]);
  return [...byTopic].map(([topic, records]) => ({ topic, records }));
}
