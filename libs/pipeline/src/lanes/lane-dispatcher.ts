import { TASK_PRIORITY_VALUES, type TaskPriority } from '@switchyard/protocol';
import { FifoRing } from './fifo-ring.js';

const LANE_ORDER = (Object.keys(TASK_PRIORITY_VALUES) as TaskPriority[]).sort((a, b) => TASK_PRIORITY_VALUES[a] - TASK_PRIORITY_VALUES[b]);

export interface LaneDispatcherOptions {
  /** Items buffered per lane before the lane counts as full (its partitions get paused). */
  readonly bufferSize: number;
  /** Share of picks that go to lower lanes while a higher lane has work (starvation guard). */
  readonly minLowerLaneShare: number;
}

/**
 * Per-queue buffers, one per priority lane, and the choice of what runs next: always the most
 * urgent lane, except that every ⌈1/minLowerLaneShare⌉-th pick made while a higher lane has work
 * goes to the longest-waiting item of the lower lanes, so background work still moves.
 */
export class LaneDispatcher<T> {
  readonly #options: LaneDispatcherOptions;
  /** Per lane, its items with their arrival numbers (a ring: O(1) per pick however full the lane). */
  readonly #lanes = new Map<TaskPriority, FifoRing<T>>(LANE_ORDER.map((lane) => [lane, new FifoRing<T>()]));
  #seq = 0;
  #picksSinceLower = 0;

  constructor(options: LaneDispatcherOptions) {
    this.#options = options;
  }

  push(lane: TaskPriority, item: T): void {
    this.#lanes.get(lane)!.push(item, this.#seq++);
  }

  /** Puts an item back at the head of its lane (it could not start yet). */
  unshift(lane: TaskPriority, item: T): void {
    this.#lanes.get(lane)!.unshift(item, -this.#seq++);
  }

  isFull(lane: TaskPriority): boolean {
    return this.size(lane) >= this.#options.bufferSize;
  }

  /** True when the lane is below its buffer size again (time to resume fetching it). */
  hasRoom(lane: TaskPriority): boolean {
    return this.size(lane) < this.#options.bufferSize;
  }

  size(lane?: TaskPriority): number {
    if (lane) return this.#lanes.get(lane)!.length;
    let total = 0;
    for (const entries of this.#lanes.values()) total += entries.length;
    return total;
  }

  /** The next item to run, or undefined when every lane is empty (no array made per pick: it runs per task). */
  next(): T | undefined {
    let top: FifoRing<T> | undefined;
    let oldest: FifoRing<T> | undefined;
    let oldestSeq = 0;
    for (const lane of LANE_ORDER) {
      const entries = this.#lanes.get(lane)!;
      if (entries.length === 0) continue;
      if (top === undefined) {
        top = entries;
        continue;
      }
      // The longest-waiting head of the lower lanes (the first such lane on a tie).
      const seq = entries.headSeq()!;
      if (oldest === undefined || seq < oldestSeq) {
        oldest = entries;
        oldestSeq = seq;
      }
    }
    if (top === undefined) return undefined;
    const every = this.#options.minLowerLaneShare > 0 ? Math.ceil(1 / this.#options.minLowerLaneShare) : Infinity;
    if (oldest !== undefined && this.#picksSinceLower + 1 >= every) {
      this.#picksSinceLower = 0;
      return oldest.shift();
    }
    this.#picksSinceLower = oldest !== undefined ? this.#picksSinceLower + 1 : 0;
    return top.shift();
  }

  /** Removes every buffered item matching `predicate` (e.g. of a revoked partition). */
  drop(predicate: (item: T) => boolean): T[] {
    const dropped: T[] = [];
    // A loop, not push(...): a lane can hold more items than a call takes arguments.
    for (const entries of this.#lanes.values()) for (const item of entries.remove(predicate)) dropped.push(item);
    return dropped;
  }
}
