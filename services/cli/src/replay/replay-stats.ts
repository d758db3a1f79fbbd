/** Counters of a replay run, in total and per partition, for the progress bar and the summary. */

export interface PartitionCounts {
  read: number;
  matched: number;
  written: number;
}

export class ReplayStats {
  readonly startedAtMs = Date.now();
  readonly #partitions = new Map<number, PartitionCounts>();
  read = 0;
  matched = 0;
  written = 0;

  #of(partition: number): PartitionCounts {
    let counts = this.#partitions.get(partition);
    if (!counts) this.#partitions.set(partition, (counts = { read: 0, matched: 0, written: 0 }));
    return counts;
  }

  countRead(partition: number, matched: boolean): void {
    this.read++;
    this.#of(partition).read++;
    if (matched) {
      this.matched++;
      this.#of(partition).matched++;
    }
  }

  countWritten(partition: number, records: number): void {
    this.written += records;
    this.#of(partition).written += records;
  }

  partition(partition: number): PartitionCounts {
    return { ...this.#of(partition) };
  }

  /** Records read per second since the start. */
  readRate(nowMs = Date.now()): number {
    const seconds = (nowMs - this.startedAtMs) / 1_000;
    return seconds > 0 ? this.read / seconds : 0;
  }
}
