import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../errors/switchyard.error.js';
import { safeParseIssues } from '../validation/parse-or-throw.js';
import {
  EVENT_PRIORITY_VALUES,
  EventMetadataSchema,
  EventNameSchema,
  EventPriority,
  EventSchema,
  EventTypeDefinitionSchema,
  eventPriorityFromNumber,
} from './event.schema.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

const metadata = { source: 'users-plugin', timestamp: '2026-01-31T10:00:00Z' };

describe('EventNameSchema', () => {
  it('accepts dot-named events and rejects bad ones', () => {
    for (const ok of ['user.created', 'abc', 'order_line.item.v2']) {
      expect(EventNameSchema.parse(ok)).toBe(ok);
    }
    for (const bad of ['ab', 'User.created', '1user', '.user', 'user-created', 'user created']) {
      expect(EventNameSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('EventPriority', () => {
  it('accepts the five names and maps them to 0..4', () => {
    expect(EventPriority.options).toEqual(['critical', 'high', 'normal', 'low', 'background']);
    expect(EVENT_PRIORITY_VALUES).toEqual({ critical: 0, high: 1, normal: 2, low: 3, background: 4 });
    expect(EventPriority.safeParse(0).success).toBe(false);
    expect(EventPriority.safeParse('urgent').success).toBe(false);
  });

  it('eventPriorityFromNumber maps 0..4 and throws SY_INVALID_EVENT otherwise', () => {
    expect([0, 1, 2, 3, 4].map(eventPriorityFromNumber)).toEqual([
      'critical',
      'high',
      'normal',
      'low',
      'background',
    ]);
    expect(() => eventPriorityFromNumber(5)).toThrow(/Invalid event priority 5/);
    try {
      eventPriorityFromNumber(-1);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SwitchyardError);
      expect((error as SwitchyardError).code).toBe('SY_INVALID_EVENT');
    }
  });
});

describe('EventMetadataSchema', () => {
  it('applies the priority default', () => {
    expect(EventMetadataSchema.parse(metadata)).toEqual({ ...metadata, priority: 'normal' });
  });

  it('accepts every priority and all optional fields', () => {
    for (const priority of EventPriority.options) {
      const full = {
        ...metadata,
        userId: 'u1',
        tenantId: 't1',
        correlationId: 'c1',
        causationId: 'e0',
        priority,
      };
      expect(EventMetadataSchema.parse(full)).toEqual(full);
    }
  });

  it('enforces constraints', () => {
    expect(paths(EventMetadataSchema, {})).toEqual(['source', 'timestamp']);
    expect(paths(EventMetadataSchema, { ...metadata, timestamp: '31/01/2026' })).toEqual(['timestamp']);
    expect(paths(EventMetadataSchema, { ...metadata, priority: 2 })).toEqual(['priority']);
  });
});

describe('EventTypeDefinitionSchema', () => {
  it('applies the spec defaults', () => {
    expect(EventTypeDefinitionSchema.parse({ name: 'user.created' })).toEqual({
      name: 'user.created',
      version: '1.0.0',
      deprecated: false,
    });
  });

  it('enforces constraints', () => {
    expect(paths(EventTypeDefinitionSchema, {})).toEqual(['name']);
    expect(paths(EventTypeDefinitionSchema, { name: 'UserCreated' })).toEqual(['name']);
    expect(paths(EventTypeDefinitionSchema, { name: 'user.created', deprecated: 'no' })).toEqual([
      'deprecated',
    ]);
    expect(paths(EventTypeDefinitionSchema, { name: 'user.created', tags: 'a' })).toEqual(['tags']);
  });
});

describe('EventSchema', () => {
  it('parses an event and applies nested metadata defaults', () => {
    expect(EventSchema.parse({ name: 'user.created', payload: { id: 1 }, metadata })).toEqual({
      name: 'user.created',
      payload: { id: 1 },
      metadata: { ...metadata, priority: 'normal' },
    });
  });

  it('enforces constraints', () => {
    expect(paths(EventSchema, { payload: 1 })).toEqual(['name', 'metadata']);
    expect(paths(EventSchema, { name: 'x', payload: 1, metadata })).toEqual(['name']);
    expect(paths(EventSchema, { name: 'user.created', payload: 1, metadata: { source: 's' } })).toEqual([
      'metadata.timestamp',
    ]);
    expect(paths(EventSchema, { id: 7, name: 'user.created', payload: 1, metadata })).toEqual(['id']);
  });
});
