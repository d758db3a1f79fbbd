/**
 * `ConsumerGroupMetadata` is plain data (it may be posted to a worker thread), but librdkafka
 * fences a transaction's offsets with the live consumer's own group metadata
 * (send_offsets_to_transaction takes the consumer). So the adapter's `groupMetadata()` hangs the
 * binding's consumer on it as a non-enumerable property: a structured clone or a spread drops it,
 * and the producer then falls back to unfenced offsets (see ConfluentProducer).
 */
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ConsumerGroupMetadata } from '../kafka-client.port.js';

const LIBRARY_CONSUMER = Symbol('switchyard.confluent.consumer');

/**
 * The consumer behind a metadata snapshot and the rebalance it was taken in. librdkafka fences
 * with the consumer's generation at send time, so a snapshot from before a rebalance of a member
 * that is still in the group would pass; the adapter refuses it itself (ILLEGAL_GENERATION, what
 * the broker answers the Java client for a stale generation).
 */
export interface GroupFence {
  readonly consumer: KafkaJS.Consumer;
  readonly rebalance: number;
  current(): number;
}

/** `metadata` carrying `fence` for sendOffsets. */
export function withLibraryConsumer(metadata: ConsumerGroupMetadata, fence: GroupFence | undefined): ConsumerGroupMetadata {
  if (fence) Object.defineProperty(metadata, LIBRARY_CONSUMER, { value: fence, enumerable: false });
  return Object.freeze(metadata);
}

/** The fence behind `metadata`, when it came from this adapter's `groupMetadata()` in this thread. */
export function libraryConsumerOf(metadata: ConsumerGroupMetadata): GroupFence | undefined {
  return (metadata as { [LIBRARY_CONSUMER]?: GroupFence })[LIBRARY_CONSUMER];
}
