import { describe, expect, it } from 'vitest';
import { safeParseIssues } from '../validation/parse-or-throw.js';
import {
  EventMessageQueueConfigSchema,
  EventWebhookConfigSchema,
  RealTimeNotificationConfigSchema,
} from './event-integrations.schema.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

describe('EventWebhookConfigSchema', () => {
  const hook = { eventPattern: 'user.*', url: 'https://hooks.example.com/in' };

  it('applies the spec defaults', () => {
    expect(EventWebhookConfigSchema.parse(hook)).toEqual({
      ...hook,
      method: 'POST',
      timeoutMs: 30000,
      enabled: true,
    });
    expect(EventWebhookConfigSchema.parse({ ...hook, retryPolicy: {} }).retryPolicy).toEqual({
      maxRetries: 3,
      backoffStrategy: 'exponential',
      initialDelayMs: 1000,
      maxDelayMs: 60000,
    });
  });

  it('accepts every method and auth type, rejects others', () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH']) {
      expect(EventWebhookConfigSchema.parse({ ...hook, method }).method).toBe(method);
    }
    expect(paths(EventWebhookConfigSchema, { ...hook, method: 'DELETE' })).toEqual(['method']);
    for (const type of ['none', 'bearer', 'basic', 'api-key']) {
      const parsed = EventWebhookConfigSchema.parse({
        ...hook,
        authentication: { type, credentials: { token: 't' } },
      });
      expect(parsed.authentication?.type).toBe(type);
    }
    expect(paths(EventWebhookConfigSchema, { ...hook, authentication: { type: 'oauth' } })).toEqual([
      'authentication.type',
    ]);
    expect(paths(EventWebhookConfigSchema, { ...hook, authentication: {} })).toEqual([
      'authentication.type',
    ]);
  });

  it('enforces url, timeout, retry, headers and transform constraints', () => {
    expect(paths(EventWebhookConfigSchema, {})).toEqual(['eventPattern', 'url']);
    for (const url of ['not a url', 'ftp://example.com/x', 'example.com']) {
      expect(paths(EventWebhookConfigSchema, { ...hook, url })).toEqual(['url']);
    }
    expect(EventWebhookConfigSchema.parse({ ...hook, url: 'http://localhost:8080/x' }).url).toBe(
      'http://localhost:8080/x',
    );
    expect(paths(EventWebhookConfigSchema, { ...hook, timeoutMs: 0 })).toEqual(['timeoutMs']);
    expect(paths(EventWebhookConfigSchema, { ...hook, headers: { a: 1 } })).toEqual(['headers.a']);
    expect(paths(EventWebhookConfigSchema, { ...hook, retryPolicy: { maxRetries: -1 } })).toEqual([
      'retryPolicy.maxRetries',
    ]);
    expect(paths(EventWebhookConfigSchema, { ...hook, transform: 'x' })).toEqual(['transform']);
    expect(paths(EventWebhookConfigSchema, { ...hook, enabled: 'true' })).toEqual(['enabled']);
  });
});

describe('EventMessageQueueConfigSchema', () => {
  const mq = { provider: 'kafka', topic: 'events' };

  it('applies the spec defaults', () => {
    expect(EventMessageQueueConfigSchema.parse(mq)).toEqual({
      ...mq,
      eventPattern: '*',
      format: 'json',
      includeMetadata: true,
      compression: 'none',
      batchSize: 1,
      flushIntervalMs: 1000,
    });
  });

  it('accepts every provider, format and compression; rejects others', () => {
    for (const provider of [
      'kafka',
      'rabbitmq',
      'aws-sqs',
      'redis-pubsub',
      'google-pubsub',
      'azure-service-bus',
    ]) {
      expect(EventMessageQueueConfigSchema.parse({ ...mq, provider }).provider).toBe(provider);
    }
    for (const format of ['json', 'avro', 'protobuf']) {
      expect(EventMessageQueueConfigSchema.parse({ ...mq, format }).format).toBe(format);
    }
    for (const compression of ['none', 'gzip', 'snappy', 'lz4']) {
      expect(EventMessageQueueConfigSchema.parse({ ...mq, compression }).compression).toBe(compression);
    }
    expect(paths(EventMessageQueueConfigSchema, { ...mq, provider: 'nats' })).toEqual(['provider']);
    expect(paths(EventMessageQueueConfigSchema, { ...mq, format: 'xml' })).toEqual(['format']);
    expect(paths(EventMessageQueueConfigSchema, { ...mq, compression: 'zstd' })).toEqual(['compression']);
  });

  it('enforces required fields and numeric constraints', () => {
    expect(paths(EventMessageQueueConfigSchema, {})).toEqual(['provider', 'topic']);
    expect(paths(EventMessageQueueConfigSchema, { ...mq, batchSize: 0 })).toEqual(['batchSize']);
    expect(paths(EventMessageQueueConfigSchema, { ...mq, flushIntervalMs: 0 })).toEqual([
      'flushIntervalMs',
    ]);
  });

  it('has no consumerGroup field', () => {
    const parsed = EventMessageQueueConfigSchema.parse({ ...mq, consumerGroup: 'g' });
    expect(parsed).not.toHaveProperty('consumerGroup');
  });
});

describe('RealTimeNotificationConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(RealTimeNotificationConfigSchema.parse({})).toEqual({
      enabled: true,
      protocol: 'websocket',
      eventPattern: '*',
      userFilter: true,
      tenantFilter: true,
    });
    expect(
      RealTimeNotificationConfigSchema.parse({ rateLimit: { maxEventsPerSecond: 10 } }).rateLimit,
    ).toEqual({ maxEventsPerSecond: 10, windowMs: 1000 });
  });

  it('accepts every protocol and rejects others', () => {
    for (const protocol of ['websocket', 'sse', 'long-polling']) {
      expect(RealTimeNotificationConfigSchema.parse({ protocol }).protocol).toBe(protocol);
    }
    expect(paths(RealTimeNotificationConfigSchema, { protocol: 'grpc' })).toEqual(['protocol']);
  });

  it('enforces channel and rate-limit constraints', () => {
    const filter = (): boolean => true;
    const parsed = RealTimeNotificationConfigSchema.parse({
      channels: [{ name: 'admins', eventPattern: 'admin.*', filter }],
    });
    expect(parsed.channels?.[0]?.filter).toBe(filter);
    expect(paths(RealTimeNotificationConfigSchema, { channels: [{}] })).toEqual([
      'channels[0].name',
      'channels[0].eventPattern',
    ]);
    expect(
      paths(RealTimeNotificationConfigSchema, {
        channels: [{ name: 'a', eventPattern: '*', filter: 1 }],
      }),
    ).toEqual(['channels[0].filter']);
    expect(paths(RealTimeNotificationConfigSchema, { rateLimit: {} })).toEqual([
      'rateLimit.maxEventsPerSecond',
    ]);
    expect(
      paths(RealTimeNotificationConfigSchema, { rateLimit: { maxEventsPerSecond: 0, windowMs: 0 } }),
    ).toEqual(['rateLimit.maxEventsPerSecond', 'rateLimit.windowMs']);
  });
});
