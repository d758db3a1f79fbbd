/**
 * A first-in first-out queue on a ring of slots, each item with a number beside it (a lane's
 * arrival sequence). Every operation is O(1) however long the queue: `Array#shift` is not once an
 * array's backing store leaves V8's regular heap (past ~11,000 items on Node 24 it moved the whole
 * array per call, 1-20 µs each; bench/README.md), and a lane holds up to its buffer size plus a
 * fetch's worth.
 */
export class FifoRing<T> {
  #items: (T | undefined)[];
  #seqs: number[];
  #head = 0;
  #length = 0;
  #mask: number;

  constructor(initialCapacity = 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity *= 2;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
    this.#seqs = new Array<number>(capacity).fill(0);
    this.#mask = capacity - 1;
  }

  get length(): number {
    return this.#length;
  }

  /** Adds `item` at the tail. */
  push(item: T, seq: number): void {
    if (this.#length === this.#items.length) this.#grow();
    const at = (this.#head + this.#length) & this.#mask;
    this.#items[at] = item;
    this.#seqs[at] = seq;
    this.#length++;
  }

  /** Puts `item` back at the head. */
  unshift(item: T, seq: number): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#head = (this.#head - 1) & this.#mask;
    this.#items[this.#head] = item;
    this.#seqs[this.#head] = seq;
    this.#length++;
  }

  /** Takes the head item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    return item;
  }

  /** The head item's number (undefined when empty). */
  headSeq(): number | undefined {
    return this.#length === 0 ? undefined : this.#seqs[this.#head];
  }

  /** Removes the items matching `predicate`, keeping the order of the rest; returns the removed ones in order. */
  remove(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: [T, number][] = [];
    while (this.#length > 0) {
      const seq = this.#seqs[this.#head]!;
      const item = this.shift()!;
      if (predicate(item)) removed.push(item);
      else kept.push([item, seq]);
    }
    this.#head = 0;
    for (const [item, seq] of kept) this.push(item, seq);
    return removed;
  }

  #grow(): void {
    const capacity = this.#items.length * 2;
    const items = new Array<T | undefined>(capacity).fill(undefined);
    const seqs = new Array<number>(capacity).fill(0);
    for (let i = 0; i < this.#length; i++) {
      const from = (this.#head + i) & this.#mask;
      items[i] = this.#items[from];
      seqs[i] = this.#seqs[from]!;
    }
    this.#items = items;
    this.#seqs = seqs;
    this.#head = 0;
    this.#mask = capacity - 1;
  }
}
