import { z } from 'zod';

/** Supported message broker providers. */
export const MessageQueueProviderSchema = z
  .enum(['kafka', 'rabbitmq', 'aws-sqs', 'redis-pubsub', 'google-pubsub', 'azure-service-bus'])
  .describe('Message queue provider');

/** A message queue provider. */
export type MessageQueueProvider = z.infer<typeof MessageQueueProviderSchema>;

/** A broker topic: partitions, replication, retention and compression. */
export const TopicConfigSchema = z
  .object({
    name: z.string().describe('Topic name'),
    partitions: z.number().int().positive().default(1).describe('Number of partitions'),
    replicationFactor: z.number().int().positive().default(1).describe('Replication factor'),
    retentionMs: z.number().int().positive().optional().describe('Retention in milliseconds'),
    compressionType: z
      .enum(['none', 'gzip', 'snappy', 'lz4'])
      .default('none')
      .describe('Compression type'),
  })
  .describe('Topic configuration');

/** Parsed {@link TopicConfigSchema}. */
export type TopicConfig = z.infer<typeof TopicConfigSchema>;
/** Input of {@link TopicConfigSchema}. */
export type TopicConfigInput = z.input<typeof TopicConfigSchema>;

/** A consumer group. */
export const ConsumerConfigSchema = z
  .object({
    groupId: z.string().describe('Consumer group ID'),
    autoOffsetReset: z
      .enum(['earliest', 'latest'])
      .default('latest')
      .describe('Where to start when the group has no committed offset'),
    enableAutoCommit: z.boolean().default(true).describe('Commit offsets automatically'),
    maxPollRecords: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('Maximum records returned by one poll'),
  })
  .describe('Consumer configuration');

/** Parsed {@link ConsumerConfigSchema}. */
export type ConsumerConfig = z.infer<typeof ConsumerConfigSchema>;
/** Input of {@link ConsumerConfigSchema}. */
export type ConsumerConfigInput = z.input<typeof ConsumerConfigSchema>;

/**
 * Broker-level dead letter queue settings. The seed calls it `DeadLetterQueueSchema`; it is
 * renamed so it cannot be confused with the event bus's `DeadLetterQueueEntrySchema`.
 */
export const MessageQueueDeadLetterQueueSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Enable the dead letter queue'),
    maxRetries: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe('Retries before a message is dead-lettered'),
    queueName: z.string().describe('Dead letter queue name'),
  })
  .describe('Message queue dead letter queue configuration');

/** Parsed {@link MessageQueueDeadLetterQueueSchema}. */
export type MessageQueueDeadLetterQueue = z.infer<typeof MessageQueueDeadLetterQueueSchema>;
/** Input of {@link MessageQueueDeadLetterQueueSchema}. */
export type MessageQueueDeadLetterQueueInput = z.input<typeof MessageQueueDeadLetterQueueSchema>;

/** Broker connection: provider, topics, consumer groups, DLQ, SSL and SASL. */
export const MessageQueueConfigSchema = z
  .object({
    provider: MessageQueueProviderSchema.describe('Message queue provider'),
    topics: z.array(TopicConfigSchema).describe('Topics'),
    consumers: z.array(ConsumerConfigSchema).optional().describe('Consumer groups'),
    deadLetterQueue: MessageQueueDeadLetterQueueSchema.optional().describe(
      'Dead letter queue configuration',
    ),
    ssl: z.boolean().default(false).describe('Enable SSL/TLS'),
    sasl: z
      .object({
        mechanism: z
          .enum(['plain', 'scram-sha-256', 'scram-sha-512'])
          .describe('SASL mechanism'),
        username: z.string().describe('SASL username'),
        password: z.string().describe('SASL password'),
      })
      .optional()
      .describe('SASL authentication'),
  })
  .describe('Message queue configuration');

/** Parsed {@link MessageQueueConfigSchema}. */
export type MessageQueueConfig = z.infer<typeof MessageQueueConfigSchema>;
/** Input of {@link MessageQueueConfigSchema}. */
export type MessageQueueConfigInput = z.input<typeof MessageQueueConfigSchema>;
