import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import type { ConsumerOptions, ConsumerPort, KafkaClient } from './kafka-client.port.js';

/** How long a disconnect keeps trying to delete its group (a member that did not leave cleanly times out meanwhile). */
const DELETE_TIMEOUT_MS = 10_000;

export interface ThrowawayConsumerOptions {
  /** Where a group that could not be deleted is reported (warn). Default: the `kafka` logger on stderr. */
  readonly log?: Logger;
  /** How long `disconnect` retries the deletion while Kafka still sees members (default 10 s). */
  readonly deleteTimeoutMs?: number;
}

let fallbackLog: Logger | undefined;

/**
 * A consumer whose group exists only while it runs. kafkajs cannot fetch without a consumer group,
 * so one-off reads (a topic to its end, a process's own view of a compacted topic) join a group of
 * their own; `disconnect()` leaves it and then deletes it, also when the read failed, so nothing is
 * left on the cluster. The group must be used by this consumer alone; offsets it committed are
 * deleted with it.
 *
 * A process killed before `disconnect()` still leaves its group behind (kafkajs offers no
 * group-less fetch): Kafka drops such an empty group without offsets at its next offsets cleanup
 * (`offsets.retention.check.interval.ms`, 10 min by default). A deletion that fails (cluster gone)
 * is logged as a warning, never thrown: the read itself succeeded or failed on its own.
 */
export function throwawayConsumer(client: KafkaClient, options: ConsumerOptions, cleanup: ThrowawayConsumerOptions = {}): ConsumerPort {
  return new ThrowawayConsumer(client, options, cleanup);
}

class ThrowawayConsumer implements ConsumerPort {
  readonly #client: KafkaClient;
  readonly #consumer: ConsumerPort;
  readonly #groupId: string;
  readonly groupId: string;
  readonly #cleanup: ThrowawayConsumerOptions;

  constructor(client: KafkaClient, options: ConsumerOptions, cleanup: ThrowawayConsumerOptions) {
    this.#client = client;
    this.#consumer = client.consumer(options);
    this.#groupId = options.groupId;
    this.groupId = options.groupId;
    this.#cleanup = cleanup;
  }

  /** Leaves the group, then deletes it (also when leaving failed). */
  async disconnect(): Promise<void> {
    try {
      await this.#consumer.disconnect();
    } finally {
      await this.#deleteGroup();
    }
  }

  async #deleteGroup(): Promise<void> {
    const { log, deleteTimeoutMs = DELETE_TIMEOUT_MS } = this.#cleanup;
    const message = 'throwaway consumer group not deleted; Kafka drops it at its next offsets cleanup';
    try {
      const refused = await deleteWithRetries(this.#client, this.#groupId, deleteTimeoutMs);
      if (refused) warn(log, { group: this.#groupId, reason: refused }, message);
    } catch (error) {
      warn(log, { group: this.#groupId, err: error }, message);
    }
  }

  connect = () => this.#consumer.connect();
  subscribe: ConsumerPort['subscribe'] = (topics, options) => this.#consumer.subscribe(topics, options);
  run: ConsumerPort['run'] = (options) => this.#consumer.run(options);
  stop = () => this.#consumer.stop();
  pause: ConsumerPort['pause'] = (partitions) => this.#consumer.pause(partitions);
  resume: ConsumerPort['resume'] = (partitions) => this.#consumer.resume(partitions);
  commit: ConsumerPort['commit'] = (offsets) => this.#consumer.commit(offsets);
  seek: ConsumerPort['seek'] = (target) => this.#consumer.seek(target);
  onGroupJoin: ConsumerPort['onGroupJoin'] = (listener) => this.#consumer.onGroupJoin(listener);
  onCrash: ConsumerPort['onCrash'] = (listener) => this.#consumer.onCrash(listener);
  onRebalancing: ConsumerPort['onRebalancing'] = (listener) => this.#consumer.onRebalancing(listener);
  onPartitionsRevoked: ConsumerPort['onPartitionsRevoked'] = (listener) => this.#consumer.onPartitionsRevoked(listener);
  groupMetadata: ConsumerPort['groupMetadata'] = () => this.#consumer.groupMetadata();
  paused = () => this.#consumer.paused();
}

/** Deletes `groupId`, retrying while Kafka refuses (members still leaving); resolves the last refusal, if any. */
async function deleteWithRetries(client: KafkaClient, groupId: string, timeoutMs: number): Promise<string | undefined> {
  const admin = client.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1_000)) {
      const [refused] = await admin.deleteGroups([groupId]);
      if (!refused) return undefined;
      if (Date.now() + delayMs > deadline) return refused.error;
      await sleep(delayMs);
    }
  } finally {
    await admin.disconnect();
  }
}

function warn(log: Logger | undefined, fields: Record<string, unknown>, message: string): void {
  (log ?? (fallbackLog ??= createLogger('kafka', {}, 'stderr'))).warn(fields, message);
}
