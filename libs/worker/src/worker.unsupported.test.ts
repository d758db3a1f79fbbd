import { describe, expect, it } from 'vitest';
import { WorkerOptionsSchema, type WorkerOptionsInput } from './worker.options.js';
import { unsupportedWorkerFields } from './worker.unsupported.js';

const fieldsOf = (input: WorkerOptionsInput) => unsupportedWorkerFields(input, WorkerOptionsSchema.parse(input)).map((f) => f.field);

describe('unsupportedWorkerFields', () => {
  it('lists nothing for a config that sets only what works', () => {
    expect(fieldsOf({ config: { name: 'w', queues: ['a', 'b'], defaultTimeoutMs: 1000, queueConfigs: [{ name: 'a', concurrency: 2, priority: 0, deadLetterQueue: 'a-dead' }, { name: 'b', priority: 3 }] } })).toEqual([]);
  });

  it('names each field set without effect, with the reason', () => {
    const input: WorkerOptionsInput = {
      config: {
        name: 'w',
        queues: ['a'],
        pollIntervalMs: 500,
        visibilityTimeoutMs: 60_000,
        queueConfigs: [{ name: 'a', priority: 1, autoScale: { enabled: true } }, { name: 'other' }],
      },
      sessionTimeoutMs: 10_000,
    };
    const fields = unsupportedWorkerFields(input, WorkerOptionsSchema.parse(input));
    expect(fields.map((f) => f.field)).toEqual(['pollIntervalMs', 'visibilityTimeoutMs', 'queueConfigs[0].autoScale', 'queueConfigs[0].priority', 'queueConfigs[1].name']);
    expect(fields.find((f) => f.field === 'visibilityTimeoutMs')!.reason).toContain('sessionTimeoutMs (10000 ms here');
    expect(fields.find((f) => f.field === 'queueConfigs[1].name')!.reason).toContain('queue "other" is not in queues [a]');
  });
});
