/**
 * Ordered retries: while a key has a task in the retry path, later tasks of that key must not
 * overtake it. Per key, a FIFO of task ids in the order they must run; the head is the task
 * that was retried first. Tasks that arrive for a blocked key join the FIFO (they are parked in
 * the retry topics behind the head); a task may run only when it is the head of its key's FIFO.
 */
export class KeyBlocks {
  readonly #fifo = new Map<string, string[]>();
  /** Partition number of each blocked key (lanes and delay tiers of a queue are co-partitioned). */
  readonly #partitionOf = new Map<string, number>();

  /** True when the key has tasks in the retry path. */
  isBlocked(key: string): boolean {
    return (this.#fifo.get(key)?.length ?? 0) > 0;
  }

  /** The task id that must run next for this key, if the key is blocked. */
  head(key: string): string | undefined {
    return this.#fifo.get(key)?.[0];
  }

  /** Appends a task to its key's FIFO (a retry of an unblocked key, or a parked later task). */
  enqueue(key: string, taskId: string, partition: number): void {
    const fifo = this.#fifo.get(key) ?? [];
    if (!fifo.includes(taskId)) fifo.push(taskId);
    this.#fifo.set(key, fifo);
    this.#partitionOf.set(key, partition);
  }

  /** Forgets the keys of a partition this process no longer owns (after a rebalance). */
  dropPartition(partition: number): void {
    for (const [key, p] of this.#partitionOf) {
      if (p !== partition) continue;
      this.#fifo.delete(key);
      this.#partitionOf.delete(key);
    }
  }

  /** The task at the head finished for good (succeeded or dead): the next one may run. */
  release(key: string, taskId: string): void {
    const fifo = this.#fifo.get(key);
    if (!fifo) return;
    const index = fifo.indexOf(taskId);
    if (index >= 0) fifo.splice(index, 1);
    if (fifo.length === 0) {
      this.#fifo.delete(key);
      this.#partitionOf.delete(key);
    }
  }

  /** Position of a task in its key's FIFO (0 = head), or -1. */
  position(key: string, taskId: string): number {
    return this.#fifo.get(key)?.indexOf(taskId) ?? -1;
  }

  get size(): number {
    return this.#fifo.size;
  }

  clear(): void {
    this.#fifo.clear();
    this.#partitionOf.clear();
  }
}
