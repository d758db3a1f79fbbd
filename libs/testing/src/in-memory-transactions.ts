import type { ConsumerGroupMetadata, ConsumerPort, ProducerPort, TopicPartitionOffset, TopicRecords, TransactionPort } from '@switchyard/kafka';

/** One committed transaction as a read_committed reader and the group coordinator would see it. */
export interface CommittedTransaction {
  readonly records: readonly TopicRecords[];
  readonly offsets: readonly TopicPartitionOffset[];
}

/** A step of a transaction that can be made to fail once. */
export type TransactionStep = 'begin' | 'send' | 'sendOffsets' | 'commit';

export interface InMemoryTransactions {
  /** A transactional producer behind the port: records and offsets land only when a transaction commits. */
  readonly producer: ProducerPort;
  /** The consumer side the committer needs (group metadata for KIP-447 fencing). */
  readonly consumer: Pick<ConsumerPort, 'groupMetadata'>;
  /** Committed transactions, in commit order (aborted ones leave nothing). */
  readonly committed: CommittedTransaction[];
  /** How many transactions were aborted. */
  readonly aborted: () => number;
  /** The next time `step` runs, it throws `error` (once). */
  failNext(step: TransactionStep, error?: Error): void;
}

/**
 * An in-memory transactional producer for unit tests of pure decision logic (a committer, a
 * router): no broker, no timing. Only for `*.test.ts`; integration tests use the real broker.
 */
export function inMemoryTransactions(group: ConsumerGroupMetadata = { groupId: 'g', generationId: 1, memberId: 'm' }): InMemoryTransactions {
  const committed: CommittedTransaction[] = [];
  const failures = new Map<TransactionStep, Error>();
  let aborted = 0;
  const step = (name: TransactionStep) => {
    const error = failures.get(name);
    if (error) {
      failures.delete(name);
      throw error;
    }
  };
  const producer: ProducerPort = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async () => {
      throw new Error('inMemoryTransactions: send outside a transaction is not modelled');
    },
    transaction: async (): Promise<TransactionPort> => {
      step('begin');
      const records: TopicRecords[] = [];
      const offsets: TopicPartitionOffset[] = [];
      return {
        send: async (batch) => {
          step('send');
          records.push(...batch);
          return [];
        },
        sendEncoded: async (topic, list) => {
          step('send');
          records.push({ topic, records: list.flatMap((encoded) => encoded.decode()) });
        },
        sendOffsets: async (_group, sent) => {
          step('sendOffsets');
          offsets.push(...sent);
        },
        commit: async () => {
          step('commit');
          committed.push({ records, offsets });
        },
        abort: async () => void aborted++,
      };
    },
  };
  return {
    producer,
    consumer: { groupMetadata: () => group },
    committed,
    aborted: () => aborted,
    failNext: (name, error = new Error(`${name} failed (injected)`)) => void failures.set(name, error),
  };
}
