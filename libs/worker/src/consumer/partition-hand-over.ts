import type { Logger } from '@switchyard/kafka';
import { settledWithin, type OffsetTrackers, type PartitionOffsetTracker, type TransactionalCommitter } from '@switchyard/pipeline';
import type { QueueRuntime } from './queue-runtime.js';
import type { WorkItem } from './work-item.js';

export interface PartitionHandOverDeps {
  readonly trackers: OffsetTrackers;
  readonly queues: ReadonlyMap<string, QueueRuntime>;
  /** Work items taken from the buffers and not settled yet (waiting in the executor or running), by their run. */
  readonly taken: ReadonlyMap<Promise<void>, WorkItem>;
  readonly committer: () => TransactionalCommitter | undefined;
  readonly revokeTimeoutMs: number;
  readonly log: Logger;
}

const split = (key: string) => {
  const [topic, partition] = key.split('\u0000') as [string, string];
  return { topic, partition: Number(partition) };
};

/**
 * Gives partitions up before they move to another member (the revoke hook, which the client
 * awaits before the group goes on): their buffered tasks are dropped (never run: the next owner
 * fetches them from the committed offset), the tasks already taken from them finish (at most
 * revokeTimeoutMs), and their outcomes commit with their offsets while this member still owns the
 * partitions. Then their trackers are revoked: an outcome still to come is dropped unwritten and a
 * task not started by then is not started (the next owner runs both). Before, the worker went on
 * starting tasks of those partitions during the join and dropped their outcomes at the new
 * assignment, and each of them ran twice.
 */
export class PartitionHandOver {
  readonly #deps: PartitionHandOverDeps;
  /** Hand-overs under way, each with the trackers it gives up. */
  readonly #underWay = new Set<ReadonlyMap<string, PartitionOffsetTracker>>();

  constructor(deps: PartitionHandOverDeps) {
    this.#deps = deps;
  }

  /** Hands over the partitions of `keys` (`topic\u0000partition`). */
  async handOver(keys: ReadonlySet<string>): Promise<void> {
    const { trackers, queues, taken, committer, revokeTimeoutMs, log } = this.#deps;
    const byKey = new Map([...keys].map((key) => [key, trackers.forPartition(split(key).topic, split(key).partition)] as const));
    const leaving = new Set(byKey.values());
    this.#underWay.add(byKey);
    try {
      for (const q of queues.values()) q.dispatcher.drop((item: WorkItem) => leaving.has(item.tracker));
      const runs = [...taken].filter(([, item]) => leaving.has(item.tracker)).map(([run]) => run);
      if (!(await settledWithin(Promise.all(runs), revokeTimeoutMs))) {
        log.warn({ revokeTimeoutMs }, 'tasks of revoked partitions still running: their outcomes are dropped, the next owner runs them again');
      }
      await committer()?.flush().catch((error: unknown) => log.warn({ err: error }, 'committing before a rebalance failed'));
      this.#revoke(byKey);
    } finally {
      this.#underWay.delete(byKey);
    }
    void committer()?.prune();
  }

  /**
   * A new assignment came while hand-overs are under way (a client that does not await the revoke
   * hook, kafkajs): their trackers end now, so the assignment's batches start fresh trackers from
   * the committed offsets (a dropped buffered task is fetched again, not skipped as taken).
   */
  endUnderWay(): void {
    for (const byKey of this.#underWay) this.#revoke(byKey);
  }

  /** Revokes these trackers where they are still their partition's (not a later assignment's). */
  #revoke(byKey: ReadonlyMap<string, PartitionOffsetTracker>): void {
    for (const [key, tracker] of byKey) this.#deps.trackers.revoke(split(key).topic, split(key).partition, tracker);
  }
}
