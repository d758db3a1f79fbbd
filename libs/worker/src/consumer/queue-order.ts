/**
 * The order in which one worker's queues get execution starts, by `QueueConfig.priority` (an
 * integer >= 0, lower = higher priority). Each queue weighs `1 / (priority + 1)`: priority 0 gets
 * twice the starts of priority 1 and four times those of priority 3 while both have work; every
 * weight is above zero, so no queue starves. Smooth weighted round-robin (as in nginx): each turn
 * every eligible queue gains its weight, the one with the most credit starts a task and pays the
 * total, so starts interleave instead of coming in bursts. Pure: no I/O.
 */
export interface WeightedQueue {
  readonly config: { readonly name: string; readonly priority: number };
}

/** The weight of a queue priority: 1 / (priority + 1). */
export function priorityWeight(priority: number): number {
  return 1 / (Math.max(0, priority) + 1);
}

export class QueueOrder<Q extends WeightedQueue> {
  readonly #queues: readonly Q[];
  readonly #credit = new Map<Q, number>();

  constructor(queues: Iterable<Q>) {
    this.#queues = [...queues];
    for (const q of this.#queues) this.#credit.set(q, 0);
  }

  /**
   * Queues in start order, one turn per start: yields a queue each time it should start one task,
   * while `canStart` holds for some queue (it is asked again before every turn, so a queue that
   * fills up or runs dry drops out). Credit carries over between calls, so shares hold across
   * pump passes. With one queue it simply yields that queue while it can start.
   */
  *turns(canStart: (queue: Q) => boolean): Generator<Q, void, undefined> {
    const [only] = this.#queues;
    if (this.#queues.length === 1) {
      while (canStart(only!)) yield only!;
      return;
    }
    for (;;) {
      const eligible = this.#queues.filter(canStart);
      if (eligible.length === 0) return;
      if (eligible.length === 1) {
        yield eligible[0]!;
        continue;
      }
      let best = eligible[0]!;
      let total = 0;
      for (const q of eligible) {
        const credit = this.#credit.get(q)! + priorityWeight(q.config.priority);
        this.#credit.set(q, credit);
        total += priorityWeight(q.config.priority);
        if (credit > this.#credit.get(best)!) best = q;
      }
      this.#credit.set(best, this.#credit.get(best)! - total);
      yield best;
    }
  }
}
