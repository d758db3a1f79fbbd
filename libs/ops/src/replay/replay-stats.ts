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

  /** `read` records of the partition handed over (progress), `matched` of them selected by the filters. */
  countRead(partition: number, read: number, matched: number): void {
    const counts = this.#of(partition);
    this.read += read;
    counts.read += read;
    this.matched += matched;
    counts.matched += matched;
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
