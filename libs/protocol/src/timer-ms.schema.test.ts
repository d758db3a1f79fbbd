import { describe, expect, it } from 'vitest';
import { EventHandlerSchema } from './events/event-handler.schema.js';
import { EventWebhookConfigSchema } from './events/event-integrations.schema.js';
import { MAX_TIMER_MS, timerMs } from './primitives.schema.js';
import { TaskSchema } from './task.schema.js';
import { safeParseIssues } from './validation/parse-or-throw.js';
import { WorkerConfigSchema } from './worker.schema.js';

/**
 * Regression: `timeoutMs` above 2^31 - 1 was accepted, and Node fires such a timer after 1 ms, so
 * every attempt of the task timed out at once. Every duration the runtime waits for with a timer
 * is now refused above the limit, naming the field and the limit.
 */
describe('timer durations above what a Node timer can wait', () => {
  it('timerMs accepts 1 .. 2^31 - 1 and refuses the next millisecond with the limit in the message', () => {
    expect(timerMs().safeParse(1).success).toBe(true);
    expect(timerMs().safeParse(MAX_TIMER_MS).success).toBe(true);
    const issues = safeParseIssues(timerMs(), MAX_TIMER_MS + 1);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain(`at most ${MAX_TIMER_MS} ms`);
  });

  it.each([
    ['TaskSchema.timeoutMs', TaskSchema, { id: 't-1', type: 'send_email', payload: {}, timeoutMs: MAX_TIMER_MS + 1 }, 'timeoutMs'],
    ['WorkerConfigSchema.defaultTimeoutMs', WorkerConfigSchema, { name: 'w', queues: ['q'], defaultTimeoutMs: 2 ** 31 }, 'defaultTimeoutMs'],
    ['WorkerConfigSchema.shutdownTimeoutMs', WorkerConfigSchema, { name: 'w', queues: ['q'], shutdownTimeoutMs: 2 ** 40 }, 'shutdownTimeoutMs'],
    ['EventHandlerSchema.timeoutMs', EventHandlerSchema, { eventName: 'user.*', handler: async () => undefined, timeoutMs: 2 ** 31 }, 'timeoutMs'],
    ['EventWebhookConfigSchema.timeoutMs', EventWebhookConfigSchema, { id: 'w', eventPattern: '*', url: 'https://example.com/hook', timeoutMs: 2 ** 31 }, 'timeoutMs'],
  ])('%s is refused above the limit, naming its path', (_name, schema, input, path) => {
    const issues = safeParseIssues(schema, input);
    expect(issues.map((issue) => issue.path)).toEqual([path]);
    expect(issues[0]!.message).toContain(String(MAX_TIMER_MS));
  });

  it('the largest allowed task timeout still parses', () => {
    expect(TaskSchema.parse({ id: 't-1', type: 'send_email', payload: {}, timeoutMs: MAX_TIMER_MS }).timeoutMs).toBe(MAX_TIMER_MS);
  });
});
