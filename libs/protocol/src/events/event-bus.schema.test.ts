import { describe, expect, it } from 'vitest';
import { safeParseIssues } from '../validation/parse-or-throw.js';
import { EventBusConfigSchema } from './event-bus.schema.js';

const paths = (input: unknown): string[] =>
  safeParseIssues(EventBusConfigSchema, input).map((issue) => issue.path);

describe('EventBusConfigSchema', () => {
  it('accepts an empty config (all parts optional)', () => {
    expect(EventBusConfigSchema.parse({})).toEqual({});
  });

  it('applies nested defaults of every part', () => {
    const handler = async (): Promise<void> => undefined;
    const parsed = EventBusConfigSchema.parse({
      persistence: { retention: 7 },
      queue: {},
      eventSourcing: {},
      replay: {},
      webhooks: [{ eventPattern: '*', url: 'https://example.com/h' }],
      messageQueue: { provider: 'kafka', topic: 'events' },
      realtime: {},
      eventTypes: [{ name: 'user.created' }],
      handlers: [{ eventName: 'user.*', handler }],
    });
    expect(parsed.persistence).toEqual({ enabled: false, retention: 7, storage: 'database' });
    expect(parsed.queue?.concurrency).toBe(10);
    expect(parsed.eventSourcing?.snapshotInterval).toBe(100);
    expect(parsed.replay).toEqual({ enabled: true });
    expect(parsed.webhooks?.[0]?.method).toBe('POST');
    expect(parsed.messageQueue?.format).toBe('json');
    expect(parsed.realtime?.protocol).toBe('websocket');
    expect(parsed.eventTypes?.[0]?.version).toBe('1.0.0');
    expect(parsed.handlers?.[0]?.async).toBe(true);
  });

  it('reports nested issues with full paths', () => {
    expect(
      paths({
        persistence: {},
        messageQueue: [{ provider: 'kafka', topic: 't' }],
        replay: { enabled: 'yes' },
        webhooks: [{ eventPattern: '*', url: 'nope' }],
        handlers: [{ eventName: 'a' }],
      }),
    ).toEqual([
      'persistence.retention',
      'replay.enabled',
      'webhooks[0].url',
      'messageQueue',
      'handlers[0].handler',
    ]);
  });
});
