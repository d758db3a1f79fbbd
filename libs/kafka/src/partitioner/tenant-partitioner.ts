import kafkajs, { type ICustomPartitioner, type PartitionerArgs } from 'kafkajs';

const { Partitioners } = kafkajs;

/**
 * Places keyed records exactly as the Java client's default partitioner does:
 * `toPositive(murmur2(keyBytes)) % numPartitions`, with murmur2 seed 0x9747b28c over the UTF-8
 * bytes of the key. This is kafkajs' `DefaultPartitioner` (formerly `JavaCompatiblePartitioner`);
 * we use it rather than a hand-written hash, and test it against Kafka's own console producer.
 *
 * Records without a key (no tenant) are spread over available partitions.
 */
export const createTenantPartitioner: ICustomPartitioner = Partitioners.DefaultPartitioner;

const keyed = createTenantPartitioner();

/** The partition a key lands on in a topic of `numPartitions` partitions. */
export function partitionForKey(key: string | Buffer, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a whole number >= 1, got ${numPartitions}`);
  }
  const partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
    offlineReplicas: [],
  }));
  return keyed({ topic: '', partitionMetadata, message: { key, value: null } } as PartitionerArgs);
}
