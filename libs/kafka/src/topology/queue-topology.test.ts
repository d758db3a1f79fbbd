import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '@switchyard/protocol';
import { planQueueTopology } from './queue-topology.js';

describe('planQueueTopology', () => {
  it('plans 5 lanes, 6 retry tiers, a DLQ, a compacted status topic and a cancel topic', () => {
    const specs = planQueueTopology({ name: 'billing' }, { partitions: 4 });
    expect(specs.map((s) => s.topic)).toEqual([
      'tasks.billing.critical',
      'tasks.billing.high',
      'tasks.billing.normal',
      'tasks.billing.low',
      'tasks.billing.background',
      'tasks.billing.retry.1s',
      'tasks.billing.retry.5s',
      'tasks.billing.retry.30s',
      'tasks.billing.retry.2m',
      'tasks.billing.retry.10m',
      'tasks.billing.retry.1h',
      'tasks.billing.dlq',
      'tasks.billing.status',
      'tasks.billing.cancel',
    ]);
    expect(specs.every((s) => s.numPartitions === 4 && s.replicationFactor === 1)).toBe(true);
    const status = specs.find((s) => s.topic === 'tasks.billing.status')!;
    expect(status.configs['cleanup.policy']).toBe('compact,delete');
    expect(specs.find((s) => s.topic === 'tasks.billing.dlq')!.configs['retention.ms']).toBe(String(30 * 86_400_000));
    expect(specs[0]!.configs['retention.ms']).toBe(String(7 * 86_400_000));
  });

  it('plans a named DLQ (QueueConfig.deadLetterQueue) instead of tasks.<queue>.dlq, plus the one-partition queue registry', () => {
    const specs = planQueueTopology({ name: 'billing', deadLetterQueue: 'billing-failed' }, { partitions: 4 });
    const names = specs.map((s) => s.topic);
    expect(names).toContain('billing-failed');
    expect(names).not.toContain('tasks.billing.dlq');
    expect(specs.find((s) => s.topic === 'billing-failed')!.configs['retention.ms']).toBe(String(30 * 86_400_000));
    const registry = specs.find((s) => s.topic === 'switchyard.state.queues')!;
    expect(registry).toMatchObject({ numPartitions: 1, configs: expect.objectContaining({ 'cleanup.policy': 'compact' }) });
    expect(() => planQueueTopology({ name: 'billing', deadLetterQueue: 'no spaces' })).toThrow(/QueueConfig\.deadLetterQueue/);
  });

  it('rejects a bad queue name and impossible options naming the field', () => {
    try {
      planQueueTopology({ name: 'Bad Name' });
      expect.unreachable();
    } catch (error) {
      expect(isSwitchyardError(error) && error.code).toBe('SY_INVALID_CONFIG');
      expect((error as Error).message).toContain('QueueConfig.name');
    }
    expect(() => planQueueTopology({ name: 'ok' }, { replicationFactor: 1, minInsyncReplicas: 2 })).toThrow(/minInsyncReplicas/);
    expect(() => planQueueTopology({ name: 'ok' }, { partitions: 0 })).toThrow(/QueueTopologyOptions\.partitions/);
  });
});
