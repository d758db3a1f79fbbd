import { describe, expect, it } from 'vitest';
import { planQueueTopology } from './queue-topology.js';
import { ensureTopology } from './ensure-topology.js';
import { testAdmin, uniqueName } from '@switchyard/testing';

describe('ensureTopology on a real broker', () => {
  it('creates every topic once; a second run changes nothing and reports no drift', async () => {
    const admin = await testAdmin();
    const queue = uniqueName('topo');
    const planned = planQueueTopology({ name: queue }, { partitions: 3 });
    admin.deleteAfterTest(planned.map((s) => s.topic));

    const first = await ensureTopology(admin, { name: queue }, { partitions: 3 });
    expect([...first.created].sort()).toEqual(planned.map((s) => s.topic).sort());
    expect(first.drift).toEqual([]);

    const second = await ensureTopology(admin, { name: queue }, { partitions: 3 });
    expect(second.created).toEqual([]);
    expect([...second.unchanged].sort()).toEqual(planned.map((s) => s.topic).sort());
    expect(second.drift).toEqual([]);

    const described = await admin.describeTopics(planned.map((s) => s.topic));
    expect(described.every((t) => t.partitions.length === 3)).toBe(true);
    const configs = await admin.describeTopicConfigs([`tasks.${queue}.status`, `tasks.${queue}.dlq`]);
    expect(configs[`tasks.${queue}.status`]?.['cleanup.policy']).toBe('compact,delete');
    expect(configs[`tasks.${queue}.dlq`]?.['retention.ms']).toBe(String(30 * 86_400_000));
  });

  it('reports drift when an existing topic has fewer partitions or other settings, and can refuse it', async () => {
    const admin = await testAdmin();
    const queue = uniqueName('drift');
    const planned = planQueueTopology({ name: queue }, { partitions: 4 });
    admin.deleteAfterTest(planned.map((s) => s.topic));
    const lane = `tasks.${queue}.normal`;
    await admin.createTopics([{ topic: lane, numPartitions: 2, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]);

    const report = await ensureTopology(admin, { name: queue }, { partitions: 4 });
    expect(report.created).not.toContain(lane);
    expect(report.drift).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ topic: lane, setting: 'partitions', expected: '4', actual: '2' }),
        expect.objectContaining({ topic: lane, setting: 'retention.ms', expected: String(7 * 86_400_000), actual: '3600000' }),
      ]),
    );
    expect(report.drift.every((d) => d.topic === lane)).toBe(true);
    // The lane was not altered: reporting never changes a topic behind the operator's back.
    expect((await admin.describeTopics([lane]))[0]!.partitions).toHaveLength(2);

    await expect(ensureTopology(admin, { name: queue }, { partitions: 4, onDrift: 'throw' })).rejects.toMatchObject({
      code: 'SY_TOPOLOGY_DRIFT',
      message: expect.stringContaining(`${lane} partitions: expected 4, found 2`),
    });
  });
});
