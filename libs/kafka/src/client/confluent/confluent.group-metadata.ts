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

/** `metadata` carrying `consumer` for fencing. */
export function withLibraryConsumer(metadata: ConsumerGroupMetadata, consumer: KafkaJS.Consumer | undefined): ConsumerGroupMetadata {
  if (consumer) Object.defineProperty(metadata, LIBRARY_CONSUMER, { value: consumer, enumerable: false });
  return Object.freeze(metadata);
}

/** The binding's consumer behind `metadata`, when it came from this adapter's `groupMetadata()` in this thread. */
export function libraryConsumerOf(metadata: ConsumerGroupMetadata): KafkaJS.Consumer | undefined {
  return (metadata as { [LIBRARY_CONSUMER]?: KafkaJS.Consumer })[LIBRARY_CONSUMER];
}
