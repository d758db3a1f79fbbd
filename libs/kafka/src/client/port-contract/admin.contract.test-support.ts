/** Port contract, parts 8 and 9: co-partitioned assignment, and the admin port. */
import { expect, it } from 'vitest';
import { uniqueName } from '@switchyard/testing';
import type { KafkaClientName } from '../kafka.options.js';
import { partitionsOf, range, rig, waitFor, type RecordingConsumer } from './contract-kit.test-support.js';

/** Until the members' latest assignments split every partition of `topics` between them, once each. */
async function settled(members: readonly RecordingConsumer[], topics: readonly string[], partitions: number): Promise<void> {
  await waitFor(() => {
    for (const topic of topics) {
      const owned = members.flatMap((m) => partitionsOf(m.joins.at(-1), topic)).sort((x, y) => x - y);
      expect(owned).toEqual(range(0, partitions - 1));
      expect(members.map((m) => partitionsOf(m.joins.at(-1), topic).length > 0)).toEqual(members.map(() => true));
    }
  });
}

export function adminContract(name: KafkaClientName): void {
  it('coPartitioned: each member owns the same partition numbers of every topic, with 2 then 3 members', async () => {
    const r = await rig(name);
    const topics = [await r.topic('co1', 6), await r.topic('co2', 6), await r.topic('co3', 6)];
    const groupId = r.group('co');
    const members = [await r.consumer({ groupId, topics, coPartitioned: true }), await r.consumer({ groupId, topics, coPartitioned: true })];
    for (const count of [2, 3]) {
      if (members.length < count) members.push(await r.consumer({ groupId, topics, coPartitioned: true }));
      await settled(members, topics, 6);
      // Under KIP-848 the broker moves partitions one reconciliation at a time, so an assignment that
      // covers every partition can still be on its way to the target: wait (bounded) for the target,
      // balanced and co-partitioned. A client that never co-partitions fails here at the deadline.
      await waitFor(() => {
        for (const m of members) {
          const [first, ...rest] = topics.map((t) => partitionsOf(m.joins.at(-1), t));
          expect(first).toHaveLength(6 / count);
          for (const other of rest) expect(other).toEqual(first);
        }
      });
    }
  });

  it('createTopics is idempotent and resolves only the topics it created; describeTopics and describeTopicConfigs read them', async () => {
    const r = await rig(name);
    const [one, two] = [uniqueName('pc-admin'), uniqueName('pc-admin')];
    r.admin.deleteAfterTest([one, two]);
    const spec = (topic: string) => ({ topic, numPartitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });
    expect(await r.admin.createTopics([spec(one)])).toEqual([one]);
    expect(await r.admin.createTopics([spec(one), spec(two)])).toEqual([two]);
    expect(await r.admin.createTopics([spec(one), spec(two)])).toEqual([]);
    expect((await r.admin.listTopics()).filter((t) => t === one || t === two).sort()).toEqual([one, two].sort());

    const [described] = await r.admin.describeTopics([one]);
    expect(described!.topic).toBe(one);
    expect(described!.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of described!.partitions) {
      expect(p.leader).toBeGreaterThanOrEqual(0);
      expect(p.replicas).toEqual([p.leader]);
      expect(p.isr).toEqual([p.leader]);
    }
    const configs = await r.admin.describeTopicConfigs([one]);
    expect(configs[one]).toMatchObject({ 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
  });

  it('topicOffsets, offsetsForTimes and deleteRecords agree on offsets', async () => {
    const r = await rig(name);
    const topic = await r.topic('offsets', 2);
    const producer = await r.producer();
    await producer.send([{ topic, records: range(0, 4).map((i) => ({ value: `r-${i}`, partition: 0, timestamp: String(1_000 * (i + 1)) })) }]);
    expect(await r.admin.topicOffsets(topic)).toEqual([{ partition: 0, low: '0', high: '5' }, { partition: 1, low: '0', high: '0' }]);
    // First record with timestamp >= the time; the log end when none is that recent.
    expect(await r.admin.offsetsForTimes(topic, 2_500)).toEqual([{ partition: 0, offset: '2' }, { partition: 1, offset: '0' }]);
    expect(await r.admin.offsetsForTimes(topic, 3_000)).toEqual([{ partition: 0, offset: '2' }, { partition: 1, offset: '0' }]);
    expect(await r.admin.offsetsForTimes(topic, 9_000)).toEqual([{ partition: 0, offset: '5' }, { partition: 1, offset: '0' }]);
    await r.admin.deleteRecords(topic, [{ partition: 0, offset: '3' }]);
    expect(await r.admin.topicOffsets(topic)).toEqual([{ partition: 0, low: '3', high: '5' }, { partition: 1, low: '0', high: '0' }]);
  });

  it('describeGroup, listGroups, setGroupOffsets and deleteGroups: refused while a member runs, done once it left', async () => {
    const r = await rig(name);
    const topic = await r.topic('groups', 2);
    const groupId = r.group('groups');
    expect(await r.admin.describeGroup(groupId)).toEqual({ groupId, state: 'Dead', members: [] });
    expect(await r.admin.deleteGroups([groupId])).toEqual([]);

    const c = await r.consumer({ groupId, topics: [topic] });
    await waitFor(async () => expect((await r.admin.describeGroup(groupId)).state).toBe('Stable'));
    const described = await r.admin.describeGroup(groupId);
    expect(described.members.map((m) => m.memberId)).toEqual([c.port.groupMetadata().memberId]);
    expect(described.members[0]!.clientId).toBe(r.client.clientId);
    expect(await r.admin.listGroups()).toContain(groupId);
    await expect(r.admin.setGroupOffsets(groupId, topic, [{ partition: 0, offset: '0' }])).rejects.toThrow();
    expect(await r.admin.deleteGroups([groupId])).toEqual([{ groupId, error: 'NON_EMPTY_GROUP' }]);

    await c.disconnect();
    await waitFor(async () => expect(await r.admin.describeGroup(groupId)).toEqual({ groupId, state: 'Empty', members: [] }));
    await r.admin.setGroupOffsets(groupId, topic, [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }]);
    expect(await r.admin.groupOffsets(groupId, [topic])).toEqual([0, 1].map((partition) => ({ topic, partition, offset: '0' })));
    expect(await r.admin.deleteGroups([groupId])).toEqual([]);
    expect(await r.admin.listGroups()).not.toContain(groupId);
  });
}
