import { describe, expect, it } from 'vitest';
import { WorkerConfigSchema } from '@switchyard/protocol';
import { WorkerOptionsSchema, type WorkerOptionsInput } from './worker.options.js';
import { unsupportedWorkerFields } from './worker.unsupported.js';

const fieldsOf = (input: WorkerOptionsInput) => unsupportedWorkerFields(WorkerOptionsSchema.parse(input)).map((f) => f.field);

describe('unsupportedWorkerFields', () => {
  it('lists nothing for a config that sets only what works, or leaves fields at their defaults', () => {
    expect(fieldsOf({ config: { name: 'w', queues: ['a', 'b'], defaultTimeoutMs: 1000, queueConfigs: [{ name: 'a', concurrency: 2, priority: 0, deadLetterQueue: 'a-dead' }, { name: 'b', priority: 3 }] } })).toEqual([]);
    // A config parsed with the protocol schema first (defaults filled in, as the worker service does).
    const parsed = WorkerConfigSchema.parse({ name: 'w', queues: ['a'], queueConfigs: [{ name: 'a', autoScale: { enabled: false } }] });
    expect(fieldsOf({ config: parsed })).toEqual([]);
  });

  it('names each field that asks for what the worker does not do, with the reason', () => {
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
    const fields = unsupportedWorkerFields(WorkerOptionsSchema.parse(input));
    expect(fields.map((f) => f.field)).toEqual(['pollIntervalMs', 'visibilityTimeoutMs', 'queueConfigs[0].autoScale', 'queueConfigs[0].priority', 'queueConfigs[1].name']);
    expect(fields.find((f) => f.field === 'visibilityTimeoutMs')!.reason).toContain('sessionTimeoutMs (10000 ms here');
    expect(fields.find((f) => f.field === 'queueConfigs[1].name')!.reason).toContain('queue "other" is not in queues [a]');
  });
});
