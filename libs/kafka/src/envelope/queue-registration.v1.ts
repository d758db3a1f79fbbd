import { z } from 'zod';
import { QueueNameSchema } from '@switchyard/protocol';
import { QUEUE_REGISTRY_TOPIC } from '../catalog/topic-names.js';
import type { IncomingRecord, TopicRecords } from '../client/kafka-client.port.js';
import { decodeJsonValue } from './json-value.js';

/** Value of the `format` field of a queue registration. */
export const QUEUE_REGISTRATION_V1 = 'queue-registration.v1';

/**
 * What a worker records about a queue in the compacted `switchyard.state.queues` topic (key: the
 * queue name), so tools that know only the queue name (the CLI's `dlq` commands) find its DLQ.
 */
export const QueueRegistrationSchema = z.object({
  format: z.literal(QUEUE_REGISTRATION_V1),
  queue: QueueNameSchema,
  /** The queue's DLQ topic (`QueueConfig.deadLetterQueue`, or `tasks.<queue>.dlq`). */
  dlqTopic: z.string().min(1),
  registeredAt: z.iso.datetime({ offset: true }),
});

export type QueueRegistration = z.infer<typeof QueueRegistrationSchema>;

/** The record registering `queue` (key: the queue name). */
export function encodeQueueRegistration(registration: Omit<QueueRegistration, 'format'>): TopicRecords {
  return {
    topic: QUEUE_REGISTRY_TOPIC,
    records: [{ key: registration.queue, value: JSON.stringify({ format: QUEUE_REGISTRATION_V1, ...registration }) }],
  };
}

/** Decodes a registration; undefined for tombstones and records of another format. */
export function decodeQueueRegistration(record: Pick<IncomingRecord, 'value'>): QueueRegistration | undefined {
  return decodeJsonValue(record, QueueRegistrationSchema);
}
