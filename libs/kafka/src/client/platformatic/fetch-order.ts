/**
 * The order of partitions in one Fetch. A broker fills an answer in request order until the
 * request's `maxBytes`, so the order decides who is read first when the answer is capped:
 * partitions of a lower rank come first (a worker's critical lane before its backlog), and
 * partitions of equal rank take turns leading from one round to the next, so a capped answer
 * does not always go to the same partition.
 */
export interface FetchTarget {
  readonly topic: string;
  readonly partition: number;
}

/** `targets` ordered by `rank(topic)` (lower first); each group of equal rank rotated by `turn`. */
export function fetchOrder<T extends FetchTarget>(targets: readonly T[], rank: ((topic: string) => number) | undefined, turn: number): T[] {
  const groups = new Map<number, T[]>();
  for (const target of targets) {
    const r = rank ? rank(target.topic) : 0;
    const group = groups.get(r);
    if (group) group.push(target);
    else groups.set(r, [target]);
  }
  const ordered: T[] = [];
  for (const r of [...groups.keys()].sort((a, b) => a - b)) {
    const group = groups.get(r)!;
    const start = turn % group.length;
    for (let i = 0; i < group.length; i++) ordered.push(group[(start + i) % group.length]!);
  }
  return ordered;
}
