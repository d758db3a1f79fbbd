import { describe, expect, it } from 'vitest';
import { QUEUE_REGISTRY_TOPIC } from '../catalog/topic-names.js';
import { decodeQueueRegistration, encodeQueueRegistration } from './queue-registration.v1.js';

describe('queue registration v1', () => {
  it('round-trips a registration keyed by queue name, on switchyard.state.queues', () => {
    const written = encodeQueueRegistration({ queue: 'billing', dlqTopic: 'billing-failed', registeredAt: '2026-12-06T09:00:00.000Z' });
    expect(written.topic).toBe(QUEUE_REGISTRY_TOPIC);
    expect(QUEUE_REGISTRY_TOPIC).toBe('switchyard.state.queues');
    const [record] = written.records;
    expect(record!.key).toBe('billing');
    expect(decodeQueueRegistration({ value: Buffer.from(String(record!.value)) })).toEqual({ format: 'queue-registration.v1', queue: 'billing', dlqTopic: 'billing-failed', registeredAt: '2026-12-06T09:00:00.000Z' });
  });

  it('reads tombstones, garbage and other formats as nothing', () => {
    expect(decodeQueueRegistration({ value: null })).toBeUndefined();
    expect(decodeQueueRegistration({ value: Buffer.from('{nope') })).toBeUndefined();
    expect(decodeQueueRegistration({ value: Buffer.from(JSON.stringify({ format: 'queue-registration.v2', queue: 'q', dlqTopic: 'x', registeredAt: '2026-12-06T09:00:00.000Z' })) })).toBeUndefined();
  });
});
