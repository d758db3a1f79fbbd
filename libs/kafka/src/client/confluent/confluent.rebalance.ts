/** Listener sets of the Confluent consumer and the shape of librdkafka's assignments. */
import type { GroupAssignment, TopicPartitions } from '../kafka-client.port.js';

/** librdkafka's (flat) list of partitions of a rebalance event. */
export type Assignment = { readonly topic: string; readonly partition: number }[];

/** Flat partitions grouped by topic, partitions in ascending order. */
export function assignmentOf(assignment: Assignment): TopicPartitions[] {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of assignment) topics.set(topic, [...(topics.get(topic) ?? []), partition]);
  return [...topics].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

class ListenerSet<A extends unknown[], R = void> {
  readonly #listeners = new Set<(...args: A) => R>();
  add(listener: (...args: A) => R): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  emit(...args: A): void {
    for (const listener of this.#listeners) listener(...args);
  }
  /** Calls every listener; a listener that throws gives a rejected promise. */
  settle(...args: A): Promise<Awaited<R>>[] {
    return [...this.#listeners].map((listener) => new Promise<Awaited<R>>((resolve) => resolve(listener(...args) as Awaited<R>)));
  }
}

export class Listeners {
  readonly join = new ListenerSet<[GroupAssignment]>();
  readonly crash = new ListenerSet<[Error, boolean]>();
  readonly rebalancing = new ListenerSet<[]>();
  readonly revoked = new ListenerSet<[readonly TopicPartitions[], boolean], Promise<void> | void>();

  /**
   * Calls every revoke listener and waits for all of them, at most `timeoutMs` (the rebalance
   * timeout: the group coordinator would not wait longer for this member either). A listener
   * that throws is settled too: the rebalance goes on.
   */
  async revokedSettled(revoked: readonly TopicPartitions[], lost: boolean, timeoutMs: number): Promise<void> {
    const settled = Promise.allSettled(this.revoked.settle(revoked, lost));
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([settled, bounded]).finally(() => clearTimeout(timer));
  }
}
