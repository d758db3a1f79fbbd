/**
 * The KIP-848 membership on the real broker, where it differs from the classic one: a revoke
 * listener that takes longer than the broker's session timeout must not get the member dropped
 * (the held acknowledgement is covered by keep-alive heartbeats), whatever KAFKA_GROUP_PROTOCOL says.
 */
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { testAdmin, testBrokers, uniqueName } from '@switchyard/testing';
import { createLogger } from '../../logging/logger.js';
import { createKafkaClient } from '../create-kafka-client.js';
import { kafkaSettingsFromEnv } from '../kafka.options.js';
import type { GroupAssignment, TopicPartitions } from '../kafka-client.port.js';

/**
 * The session timeout this test gives its group (KIP-848 group config `consumer.session.timeout.ms`):
 * a silent member is dropped after it. The property is the same as at Kafka's 45 s default, the
 * wait past it 30 s shorter; 3 of the broker's 5 s heartbeats fit in it. deploy/kafka-local lowers
 * the broker's floor (`group.consumer.min.session.timeout.ms`) to 6 s; a broker with Kafka's 45 s
 * floor keeps its own default, and the test waits past that.
 */
const GROUP_SESSION_TIMEOUT_MS = 15_000;
const WAIT = { timeout: 20_000, interval: 100 } as const;

/** Sets the group's session timeout to GROUP_SESSION_TIMEOUT_MS where the broker allows it; resolves the group's session timeout. */
async function groupSessionTimeout(groupId: string): Promise<number> {
  const admin = new Admin({ clientId: 'kip848-membership-config', bootstrapBrokers: testBrokers().split(',') });
  try {
    const { brokers } = await admin.metadata({ topics: [] });
    const [broker] = await admin.describeConfigs({
      resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: String([...brokers.keys()][0]), configurationKeys: ['group.consumer.min.session.timeout.ms'] }],
    });
    if (Number(broker?.configs[0]?.value) <= GROUP_SESSION_TIMEOUT_MS) {
      await admin.incrementalAlterConfigs({
        resources: [{
          resourceType: ConfigResourceTypes.GROUP,
          resourceName: groupId,
          configs: [{ name: 'consumer.session.timeout.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: String(GROUP_SESSION_TIMEOUT_MS) }],
        }],
      });
    }
    // What the group gets: the value set above, else the broker's default.
    const [group] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.GROUP, resourceName: groupId, configurationKeys: ['consumer.session.timeout.ms'] }] });
    const timeout = Number(group?.configs.find((c) => c.name === 'consumer.session.timeout.ms')?.value);
    expect(timeout, 'the group session timeout').toBeGreaterThan(0);
    return timeout;
  } finally {
    await admin.close();
  }
}

describe('KIP-848 membership (platformatic, groupProtocol consumer)', () => {
  it('keeps a member whose revoke listener outlasts the broker session timeout, then hands the partition over', { timeout: 45_000 + 60_000 }, async () => {
    const client = createKafkaClient(
      kafkaSettingsFromEnv({ KAFKA_BROKERS: testBrokers(), KAFKA_CLIENT: 'platformatic', KAFKA_GROUP_PROTOCOL: 'consumer', KAFKA_CLIENT_ID: 'kip848-membership' }),
      createLogger('kip848-membership', { level: process.env.LOG_LEVEL ?? 'warn' }),
    );
    const admin = await testAdmin(client);
    const topic = uniqueName('kip848-slow-revoke');
    const groupId = uniqueName('kip848-slow-revoke');
    admin.deleteAfterTest([topic]);
    admin.deleteGroupsAfterTest([groupId]);
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1, configs: {} }]);
    const sessionTimeoutMs = await groupSessionTimeout(groupId);

    const start = async (joins: GroupAssignment[]) => {
      const consumer = client.consumer({ groupId, rebalanceTimeoutMs: sessionTimeoutMs + 45_000, maxWaitTimeMs: 100 });
      consumer.onGroupJoin((assignment) => joins.push(assignment));
      await consumer.connect();
      onTestFinished(() => consumer.disconnect());
      await consumer.subscribe([topic], { fromBeginning: true });
      await consumer.run({ eachBatch: async () => undefined });
      return consumer;
    };
    const aJoins: GroupAssignment[] = [];
    const a = await start(aJoins);
    await vi.waitFor(() => expect(aJoins.at(-1)?.assignment[topic]?.length).toBe(2), WAIT);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const revocations: { revoked: readonly TopicPartitions[]; lost: boolean }[] = [];
    a.onPartitionsRevoked(async (revoked, lost) => {
      revocations.push({ revoked, lost });
      await gate;
    });
    const bJoins: GroupAssignment[] = [];
    await start(bJoins);
    await vi.waitFor(() => expect(revocations).toHaveLength(1), WAIT);
    const heldSince = Date.now();

    // Past the session timeout with the acknowledgement still held: A must still be a member.
    await new Promise((resolve) => setTimeout(resolve, sessionTimeoutMs + 3_000 - (Date.now() - heldSince)));
    const during = await admin.describeGroup(groupId);
    expect(during.members.map((m) => m.memberId)).toContain(a.groupMetadata().memberId);
    expect(bJoins.flatMap((j) => j.assignment[topic] ?? [])).toEqual([]);
    release();

    await vi.waitFor(() => expect(bJoins.at(-1)?.assignment[topic]?.length).toBe(1), WAIT);
    expect(revocations).toEqual([{ revoked: [{ topic, partitions: [0, 1] }], lost: false }]);
    expect(aJoins.at(-1)?.assignment[topic]).toHaveLength(1);
    expect(a.groupMetadata().generationId).toBeGreaterThan(0);
  });
});
