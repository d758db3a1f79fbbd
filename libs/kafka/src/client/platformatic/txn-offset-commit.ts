import { kGetApi, kGetConnection, kPerformWithRetry, type Connection, type Producer } from '@platformatic/kafka';
import type { ConsumerGroupMetadata, TopicPartitionOffset } from '../kafka-client.port.js';

type Callback<T> = (error: Error | null, result?: T) => void;
type TxnOffsetCommitApi = (
  connection: Connection,
  transactionalId: string,
  groupId: string,
  producerId: bigint,
  producerEpoch: number,
  generationId: number,
  memberId: string,
  groupInstanceId: string | null,
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; committedMetadata?: string | null }[] }[],
  callback: Callback<unknown>,
) => void;

/** The library's internals this needs, reached through the symbols its base client exports. */
interface ProducerInternals {
  [kGetApi](name: string, callback: Callback<TxnOffsetCommitApi>): void;
  [kGetConnection](broker: { host: string; port: number }, callback: Callback<Connection>): void;
  [kPerformWithRetry](operationId: string, operation: (retry: Callback<unknown>) => void, callback: Callback<unknown>): unknown;
}

/**
 * One TxnOffsetCommit for every offset of a transaction, fenced by the group's generation and
 * member id (KIP-447). The library's `Transaction.addOffset` sends one request per partition, each
 * awaited (and de-duplicated by a fixed key, so they cannot go in parallel): a worker reading
 * several lanes paid one round trip per partition in every transaction. Sent to the group's
 * coordinator after AddOffsetsToTxn (`addConsumer`); retriable errors (a coordinator loading or
 * moving) are retried by the library's own retry loop, a fenced generation fails the call.
 */
export async function commitTransactionOffsets(
  producer: Producer,
  transactionalId: string,
  group: ConsumerGroupMetadata,
  coordinator: { host: string; port: number },
  offsets: readonly TopicPartitionOffset[],
): Promise<void> {
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number }[]>();
  for (const o of offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({ partitionIndex: o.partition, committedOffset: BigInt(o.offset), committedLeaderEpoch: -1 });
    byTopic.set(o.topic, list);
  }
  const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  const internals = producer as unknown as ProducerInternals;
  const { producerId, producerEpoch } = producer;
  if (producerId === undefined || producerEpoch === undefined) throw new Error(`transactional producer ${transactionalId} has no producer id: begin the transaction first`);
  await new Promise<void>((resolve, reject) => {
    internals[kPerformWithRetry](
      'txnOffsetCommit',
      (retry) => {
        internals[kGetConnection](coordinator, (connectionError, connection) => {
          if (connectionError || !connection) return retry(connectionError ?? new Error('no connection to the group coordinator'));
          internals[kGetApi]('TxnOffsetCommit', (apiError, api) => {
            if (apiError || !api) return retry(apiError ?? new Error('TxnOffsetCommit is not supported by the broker'));
            api(connection, transactionalId, group.groupId, producerId, producerEpoch, group.generationId, group.memberId, null, topics, retry);
          });
        });
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
}
