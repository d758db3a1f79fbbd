import { scanTopics, subscriptionDedupTopic, type KafkaClient, type Logger } from '@switchyard/kafka';
import type { RoutedRecord } from './subscription-records.js';
import type { DedupOptions } from './subscription.options.js';

/**
 * Per-subscription dedup on the CloudEvents id (`ce_id`) within a window. An event from an event
 * topic whose id was handled (its outcome committed) in the last `windowMs`, among the last
 * `maxIds` ids, is skipped without running a handler. Retries and replays are never deduped.
 *
 * The ids live in memory (a Map of id -> handled-at) and in a compacted topic: each handled event
 * adds one small record (key = id) to its outcome transaction, so a marker exists exactly when the
 * outcome and offset committed. On start and on every assignment the subscription reads the topic
 * back, so the window survives restarts, crashes and partitions moving to another process. What it
 * cannot cover: an event whose handlers ran but whose transaction had not landed at a crash has no
 * marker and runs again (at most `maxUncommitted` events per crash): handlers stay idempotent.
 */
export class EventDedup {
  readonly topic: string;
  readonly #options: DedupOptions;
  readonly #client: KafkaClient;
  readonly #log: Logger;
  readonly #subscription: string;
  /** Handled ids, oldest first, with the time their outcome committed. */
  readonly #seen = new Map<string, number>();
  /** Ids being handled now: a duplicate waits for the first to commit (or not) before it decides. */
  readonly #inFlight = new Map<string, { readonly settled: Promise<void>; readonly done: () => void }>();
  #ready: Promise<void> = Promise.resolve();

  constructor(subscription: string, options: DedupOptions, client: KafkaClient, log: Logger) {
    this.topic = subscriptionDedupTopic(subscription);
    this.#subscription = subscription;
    this.#options = options;
    this.#client = client;
    this.#log = log;
  }

  /** Ids remembered now. */
  get size(): number {
    return this.#seen.size;
  }

  /** Reads the topic's markers back (on start and on each assignment); events wait until it is done. */
  refresh(): Promise<void> {
    this.#ready = this.#ready.then(() => this.#load());
    return this.#ready;
  }

  /** True when the event should run; false for a duplicate. A true must be followed by settle(). */
  async admit(id: string): Promise<boolean> {
    await this.#ready;
    for (let first = this.#inFlight.get(id); first; first = this.#inFlight.get(id)) await first.settled;
    const now = Date.now();
    this.#prune(now);
    const handledAt = this.#seen.get(id);
    if (handledAt !== undefined && handledAt >= now - this.#options.windowMs) return false;
    let done!: () => void;
    const settled = new Promise<void>((resolve) => (done = resolve));
    this.#inFlight.set(id, { settled, done });
    return true;
  }

  /** The admitted event's outcome went to the committer (`committed`), or nothing was submitted (undefined). */
  settle(id: string, committed: Promise<void> | undefined): void {
    const release = () => {
      this.#inFlight.get(id)?.done();
      this.#inFlight.delete(id);
    };
    if (!committed) return release();
    committed.then(() => this.#remember(id, Date.now()), () => undefined).finally(release);
  }

  /** The marker of an event, written in its outcome transaction. */
  marker(id: string): RoutedRecord {
    return { topic: this.topic, record: { key: id, value: '1' } };
  }

  async #load(): Promise<void> {
    const since = Date.now() - this.#options.windowMs;
    try {
      const before = this.#seen.size;
      await scanTopics(this.#client, [this.topic], (record) => {
        const at = Number(record.timestamp);
        if (record.key && record.value && at >= since) this.#remember(record.key.toString('utf8'), at);
      });
      this.#prune(Date.now());
      this.#log.info({ subscription: this.#subscription, ids: this.#seen.size, read: this.#seen.size - before }, 'dedup ids read back');
    } catch (error) {
      this.#log.warn({ err: error, subscription: this.#subscription }, 'dedup ids could not be read back: only ids handled by this process since its start are known');
    }
  }

  #remember(id: string, at: number): void {
    const known = this.#seen.get(id);
    if (known !== undefined && known >= at) return;
    this.#seen.delete(id);
    this.#seen.set(id, at);
    if (this.#seen.size > this.#options.maxIds) this.#prune(Date.now());
  }

  /** Drops ids older than the window and the oldest beyond maxIds (the Map is in handled order). */
  #prune(now: number): void {
    const since = now - this.#options.windowMs;
    let excess = this.#seen.size - this.#options.maxIds;
    for (const [id, at] of this.#seen) {
      if (excess <= 0 && at >= since) break;
      this.#seen.delete(id);
      excess--;
    }
  }
}
