import { describe, expect, it } from 'vitest';
import { safeParseIssues } from '../validation/parse-or-throw.js';
import { EventHandlerSchema, EventRouteSchema } from './event-handler.schema.js';

const paths = (schema: Parameters<typeof safeParseIssues>[0], input: unknown): string[] =>
  safeParseIssues(schema, input).map((issue) => issue.path);

const handler = async (): Promise<void> => undefined;

describe('EventHandlerSchema', () => {
  it('applies the spec defaults', () => {
    expect(EventHandlerSchema.parse({ eventName: 'user.*', handler })).toEqual({
      eventName: 'user.*',
      handler,
      priority: 0,
      async: true,
    });
  });

  it('applies the retry defaults', () => {
    expect(EventHandlerSchema.parse({ eventName: 'user.*', handler, retry: {} }).retry).toEqual({
      maxRetries: 3,
      backoffMs: 1000,
      backoffMultiplier: 2,
    });
  });

  it('accepts negative priorities (lower executes first) and a filter function', () => {
    const filter = (): boolean => true;
    const parsed = EventHandlerSchema.parse({ eventName: '*', handler, priority: -10, filter });
    expect(parsed.priority).toBe(-10);
    expect(parsed.filter).toBe(filter);
  });

  it('enforces constraints', () => {
    expect(paths(EventHandlerSchema, {})).toEqual(['eventName', 'handler']);
    expect(safeParseIssues(EventHandlerSchema, { eventName: 'a', handler: 'fn' })).toEqual([
      { path: 'handler', message: 'must be a function', code: 'custom' },
    ]);
    expect(paths(EventHandlerSchema, { eventName: 'a', handler, priority: 1.5 })).toEqual(['priority']);
    expect(paths(EventHandlerSchema, { eventName: 'a', handler, async: 'yes' })).toEqual(['async']);
    expect(paths(EventHandlerSchema, { eventName: 'a', handler, timeoutMs: 0 })).toEqual(['timeoutMs']);
    expect(paths(EventHandlerSchema, { eventName: 'a', handler, filter: true })).toEqual(['filter']);
    expect(
      paths(EventHandlerSchema, {
        eventName: 'a',
        handler,
        retry: { maxRetries: -1, backoffMs: 0, backoffMultiplier: 0 },
      }),
    ).toEqual(['retry.maxRetries', 'retry.backoffMs', 'retry.backoffMultiplier']);
  });
});

describe('EventRouteSchema', () => {
  it('accepts a route with an optional transform', () => {
    const transform = (e: unknown): unknown => e;
    expect(EventRouteSchema.parse({ from: '*.created', to: ['audit.log'] })).toEqual({
      from: '*.created',
      to: ['audit.log'],
    });
    expect(EventRouteSchema.parse({ from: 'user.*', to: [], transform }).transform).toBe(transform);
  });

  it('enforces constraints', () => {
    expect(paths(EventRouteSchema, {})).toEqual(['from', 'to']);
    expect(paths(EventRouteSchema, { from: 'a', to: 'b' })).toEqual(['to']);
    expect(paths(EventRouteSchema, { from: 'a', to: ['b'], transform: {} })).toEqual(['transform']);
  });
});
