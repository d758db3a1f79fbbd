import { describe, expect, it } from 'vitest';
import { safeParseIssues } from '../validation/parse-or-throw.js';
import {
  DeadLetterQueueEntrySchema,
  EventLogEntrySchema,
  EventPersistenceSchema,
  EventQueueConfigSchema,
  EventReplayConfigSchema,
  EventSourcingConfigSchema,
} from './event-storage.schema.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

const at = '2026-01-31T10:00:00Z';
const event = { name: 'user.created', payload: {}, metadata: { source: 's', timestamp: at } };

describe('EventPersistenceSchema', () => {
  it('requires retention (no default) and applies the other defaults', () => {
    expect(paths(EventPersistenceSchema, {})).toEqual(['retention']);
    expect(EventPersistenceSchema.parse({ retention: 30 })).toEqual({
      enabled: false,
      retention: 30,
      storage: 'database',
    });
  });

  it('accepts every storage and rejects others', () => {
    for (const storage of ['database', 'file', 's3', 'custom']) {
      expect(EventPersistenceSchema.parse({ retention: 1, storage }).storage).toBe(storage);
    }
    expect(paths(EventPersistenceSchema, { retention: 1, storage: 'redis' })).toEqual(['storage']);
  });

  it('enforces constraints', () => {
    expect(paths(EventPersistenceSchema, { retention: 0 })).toEqual(['retention']);
    expect(paths(EventPersistenceSchema, { retention: 1.5 })).toEqual(['retention']);
    expect(paths(EventPersistenceSchema, { retention: 1, filter: 'x' })).toEqual(['filter']);
  });
});

describe('EventQueueConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(EventQueueConfigSchema.parse({})).toEqual({
      name: 'events',
      concurrency: 10,
      priorityEnabled: true,
    });
    expect(EventQueueConfigSchema.parse({ retryPolicy: {} }).retryPolicy).toEqual({
      maxRetries: 3,
      backoffStrategy: 'exponential',
      initialDelayMs: 1000,
      maxDelayMs: 60000,
    });
  });

  it('has no backoff multiplier (stripped) and accepts every strategy', () => {
    const parsed = EventQueueConfigSchema.parse({ retryPolicy: { backoffMultiplier: 3 } });
    expect(parsed.retryPolicy).not.toHaveProperty('backoffMultiplier');
    for (const s of ['fixed', 'linear', 'exponential']) {
      expect(EventQueueConfigSchema.parse({ retryPolicy: { backoffStrategy: s } }).retryPolicy?.backoffStrategy).toBe(s);
    }
  });

  it('enforces constraints', () => {
    expect(paths(EventQueueConfigSchema, { concurrency: 0 })).toEqual(['concurrency']);
    expect(
      paths(EventQueueConfigSchema, {
        retryPolicy: { maxRetries: -1, backoffStrategy: 'x', initialDelayMs: 0, maxDelayMs: 0 },
      }),
    ).toEqual([
      'retryPolicy.maxRetries',
      'retryPolicy.backoffStrategy',
      'retryPolicy.initialDelayMs',
      'retryPolicy.maxDelayMs',
    ]);
    expect(paths(EventQueueConfigSchema, { priorityEnabled: 1 })).toEqual(['priorityEnabled']);
  });
});

describe('EventReplayConfigSchema', () => {
  it('requires fromTimestamp and defaults speed to 1', () => {
    expect(paths(EventReplayConfigSchema, {})).toEqual(['fromTimestamp']);
    expect(EventReplayConfigSchema.parse({ fromTimestamp: at })).toEqual({ fromTimestamp: at, speed: 1 });
  });

  it('enforces constraints', () => {
    expect(paths(EventReplayConfigSchema, { fromTimestamp: 'yesterday' })).toEqual(['fromTimestamp']);
    expect(paths(EventReplayConfigSchema, { fromTimestamp: at, toTimestamp: 'x' })).toEqual(['toTimestamp']);
    expect(paths(EventReplayConfigSchema, { fromTimestamp: at, speed: 0 })).toEqual(['speed']);
    expect(EventReplayConfigSchema.parse({ fromTimestamp: at, speed: 0.5 }).speed).toBe(0.5);
    expect(paths(EventReplayConfigSchema, { fromTimestamp: at, eventTypes: 'a' })).toEqual(['eventTypes']);
    expect(paths(EventReplayConfigSchema, { fromTimestamp: at, targetHandlers: [1] })).toEqual([
      'targetHandlers[0]',
    ]);
  });
});

describe('EventSourcingConfigSchema', () => {
  it('applies the spec defaults', () => {
    expect(EventSourcingConfigSchema.parse({})).toEqual({
      enabled: false,
      snapshotInterval: 100,
      snapshotRetention: 10,
      retention: 365,
    });
    expect(EventSourcingConfigSchema.parse({ storage: {} }).storage).toEqual({ type: 'database' });
  });

  it('accepts every storage type and rejects others', () => {
    for (const type of ['database', 'file', 's3', 'eventstore']) {
      expect(EventSourcingConfigSchema.parse({ storage: { type } }).storage?.type).toBe(type);
    }
    expect(paths(EventSourcingConfigSchema, { storage: { type: 'custom' } })).toEqual(['storage.type']);
  });

  it('enforces constraints', () => {
    expect(
      paths(EventSourcingConfigSchema, { snapshotInterval: 0, snapshotRetention: 0.5, retention: -1 }),
    ).toEqual(['snapshotInterval', 'snapshotRetention', 'retention']);
  });
});

describe('DeadLetterQueueEntrySchema', () => {
  const entry = {
    id: 'dlq-1',
    event,
    error: { message: 'boom' },
    retries: 3,
    firstFailedAt: at,
    lastFailedAt: at,
  };

  it('accepts an entry and applies nested event defaults', () => {
    expect(DeadLetterQueueEntrySchema.parse(entry).event.metadata.priority).toBe('normal');
  });

  it('enforces constraints', () => {
    expect(paths(DeadLetterQueueEntrySchema, {})).toEqual([
      'id',
      'event',
      'error',
      'retries',
      'firstFailedAt',
      'lastFailedAt',
    ]);
    expect(paths(DeadLetterQueueEntrySchema, { ...entry, retries: -1 })).toEqual(['retries']);
    expect(paths(DeadLetterQueueEntrySchema, { ...entry, error: {} })).toEqual(['error.message']);
    expect(paths(DeadLetterQueueEntrySchema, { ...entry, lastFailedAt: 'x' })).toEqual(['lastFailedAt']);
    expect(paths(DeadLetterQueueEntrySchema, { ...entry, event: { ...event, name: 'User.created' } })).toEqual([
      'event.name',
    ]);
  });
});

describe('EventLogEntrySchema', () => {
  const log = { id: 'log-1', event, status: 'completed', receivedAt: at };

  it('accepts every status and handler status', () => {
    for (const status of ['pending', 'processing', 'completed', 'failed']) {
      expect(EventLogEntrySchema.parse({ ...log, status }).status).toBe(status);
    }
    for (const status of ['success', 'failed', 'timeout']) {
      const parsed = EventLogEntrySchema.parse({
        ...log,
        handlersExecuted: [{ handlerId: 'h1', status, durationMs: 5, error: 'e' }],
      });
      expect(parsed.handlersExecuted?.[0]?.status).toBe(status);
    }
  });

  it('enforces constraints', () => {
    expect(paths(EventLogEntrySchema, {})).toEqual(['id', 'event', 'status', 'receivedAt']);
    expect(paths(EventLogEntrySchema, { ...log, status: 'done' })).toEqual(['status']);
    expect(
      paths(EventLogEntrySchema, { ...log, handlersExecuted: [{ handlerId: 'h', status: 'ok' }] }),
    ).toEqual(['handlersExecuted[0].status']);
    expect(paths(EventLogEntrySchema, { ...log, processedAt: 'x', totalDurationMs: 1.5 })).toEqual([
      'processedAt',
      'totalDurationMs',
    ]);
  });
});
