import type { TaskPriority } from '@switchyard/protocol';
import type { ConsumerPort } from '@switchyard/kafka';
import { longTimeout, type LongTimeout } from '../timers/long-timeout.js';

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Partitions paused because their lane buffer is full: remembered per lane and resumed as soon
 * as that lane has room again (back-pressure from the buffers to the fetcher).
 */
export class RoomPauses {
  readonly #paused = new Map<TaskPriority, Set<string>>();
  readonly #consumer: () => ConsumerPort | undefined;

  constructor(consumer: () => ConsumerPort | undefined) {
    this.#consumer = consumer;
  }

  pause(lane: TaskPriority, topic: string, partition: number): void {
    this.#consumer()?.pause([{ topic, partitions: [partition] }]);
    const set = this.#paused.get(lane) ?? new Set<string>();
    set.add(keyOf(topic, partition));
    this.#paused.set(lane, set);
  }

  /** Resumes the partitions of every lane that has room now. */
  resumeWithRoom(hasRoom: (lane: TaskPriority) => boolean): void {
    for (const [lane, set] of this.#paused) {
      if (set.size === 0 || !hasRoom(lane)) continue;
      const resume = [...set].map((key) => key.split('\u0000') as [string, string]);
      set.clear();
      for (const [topic, partition] of resume) this.#consumer()?.resume([{ topic, partitions: [Number(partition)] }]);
    }
  }

  /**
   * After a rebalance: resumes every partition paused here, then forgets them. The clients keep a
   * pause across a rebalance (kafkajs for every partition, the platformatic fetch loop for those
   * the member keeps), so forgetting without resuming left a kept partition paused for good and
   * its worker idle (issue 11, scaling out during a backlog). A lane still full pauses its
   * partitions again on the next batch.
   */
  clear(): void {
    const paused = [...this.#paused.values()].flatMap((set) => [...set]);
    this.#paused.clear();
    const byTopic = new Map<string, number[]>();
    for (const key of paused) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(partition)]);
    }
    if (byTopic.size > 0) this.#consumer()?.resume([...byTopic].map(([topic, partitions]) => ({ topic, partitions })));
  }
}

/**
 * Partitions paused until a time: a delay tier whose head record is not due yet. One timer per
 * pause resumes the partition (unless the consumer is stopping by then); a time beyond setTimeout's
 * 2^31-1 ms (a far-future record timestamp) keeps it paused until due, not resumed after 1 ms.
 */
export class TimedPauses {
  readonly #timers = new Set<LongTimeout>();
  readonly #consumer: () => ConsumerPort | undefined;
  readonly #running: () => boolean;

  constructor(consumer: () => ConsumerPort | undefined, running: () => boolean) {
    this.#consumer = consumer;
    this.#running = running;
  }

  pauseUntil(topic: string, partition: number, dueMs: number): void {
    this.#consumer()?.pause([{ topic, partitions: [partition] }]);
    const timer = longTimeout(() => {
      this.#timers.delete(timer);
      if (this.#running()) this.#consumer()?.resume([{ topic, partitions: [partition] }]);
    }, Math.max(0, dueMs - Date.now()) + 5);
    this.#timers.add(timer);
  }

  clear(): void {
    for (const timer of this.#timers) timer.clear();
    this.#timers.clear();
  }
}
