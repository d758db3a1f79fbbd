import { describe, expect, it } from 'vitest';
import {
  ConsumerConfigSchema,
  MessageQueueConfigSchema,
  MessageQueueDeadLetterQueueSchema,
  MessageQueueProviderSchema,
  TopicConfigSchema,
} from './message-queue.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

describe('MessageQueueProviderSchema', () => {
  it('accepts the six providers and rejects others', () => {
    expect(MessageQueueProviderSchema.options).toEqual([
      'kafka',
      'rabbitmq',
      'aws-sqs',
      'redis-pubsub',
      'google-pubsub',
      'azure-service-bus',
    ]);
    expect(MessageQueueProviderSchema.safeParse('nats').success).toBe(false);
  });
});

describe('TopicConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(TopicConfigSchema.parse({ name: 'tasks.emails.fast' })).toEqual({
      name: 'tasks.emails.fast',
      partitions: 1,
      replicationFactor: 1,
      compressionType: 'none',
    });
  });

  it('accepts every compression and enforces constraints', () => {
    for (const compressionType of ['none', 'gzip', 'snappy', 'lz4']) {
      expect(TopicConfigSchema.parse({ name: 't', compressionType }).compressionType).toBe(compressionType);
    }
    expect(paths(TopicConfigSchema, {})).toEqual(['name']);
    expect(
      paths(TopicConfigSchema, {
        name: 't',
        partitions: 0,
        replicationFactor: 1.5,
        retentionMs: -1,
        compressionType: 'zstd',
      }),
    ).toEqual(['partitions', 'replicationFactor', 'retentionMs', 'compressionType']);
  });
});

describe('ConsumerConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(ConsumerConfigSchema.parse({ groupId: 'g' })).toEqual({
      groupId: 'g',
      autoOffsetReset: 'latest',
      enableAutoCommit: true,
      maxPollRecords: 500,
    });
  });

  it('accepts both offset resets and enforces constraints', () => {
    expect(ConsumerConfigSchema.parse({ groupId: 'g', autoOffsetReset: 'earliest' }).autoOffsetReset).toBe(
      'earliest',
    );
    expect(paths(ConsumerConfigSchema, {})).toEqual(['groupId']);
    expect(paths(ConsumerConfigSchema, { groupId: 'g', autoOffsetReset: 'none', maxPollRecords: 0 })).toEqual([
      'autoOffsetReset',
      'maxPollRecords',
    ]);
  });
});

describe('MessageQueueDeadLetterQueueSchema', () => {
  it('applies the spec defaults and requires queueName', () => {
    expect(MessageQueueDeadLetterQueueSchema.parse({ queueName: 'dlq' })).toEqual({
      enabled: false,
      maxRetries: 3,
      queueName: 'dlq',
    });
    expect(paths(MessageQueueDeadLetterQueueSchema, {})).toEqual(['queueName']);
    expect(paths(MessageQueueDeadLetterQueueSchema, { queueName: 'd', maxRetries: -1 })).toEqual([
      'maxRetries',
    ]);
  });
});

describe('MessageQueueConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(MessageQueueConfigSchema.parse({ provider: 'kafka', topics: [] })).toEqual({
      provider: 'kafka',
      topics: [],
      ssl: false,
    });
  });

  it('accepts every SASL mechanism and enforces constraints', () => {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512']) {
      const parsed = MessageQueueConfigSchema.parse({
        provider: 'kafka',
        topics: [{ name: 't' }],
        sasl: { mechanism, username: 'u', password: 'p' },
      });
      expect(parsed.sasl?.mechanism).toBe(mechanism);
    }
    expect(paths(MessageQueueConfigSchema, {})).toEqual(['provider', 'topics']);
    expect(
      paths(MessageQueueConfigSchema, {
        provider: 'kafka',
        topics: [{ name: 't', partitions: 0 }],
        consumers: [{}],
        deadLetterQueue: {},
        ssl: 'yes',
        sasl: { mechanism: 'oauthbearer', username: 'u' },
      }),
    ).toEqual([
      'topics[0].partitions',
      'consumers[0].groupId',
      'deadLetterQueue.queueName',
      'ssl',
      'sasl.mechanism',
      'sasl.password',
    ]);
  });
});
