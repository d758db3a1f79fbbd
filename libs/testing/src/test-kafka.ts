import { randomUUID } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import { createKafkaClient, createLogger, kafkaSettingsFromEnv, type AdminPort, type KafkaClient } from '@switchyard/kafka';

/** Bootstrap servers of the broker the global setup made sure of. */
export function testBrokers(): string {
  return inject('kafkaBrokers');
}

/**
 * A name no other test uses: `<prefix>-<8 hex>`, safe as queue, topic, group or tenant name.
 * Each test gets its own topics and groups, so tests share one broker without interfering.
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A Switchyard Kafka client on the test broker, logging only warnings and errors. */
export function testClient(clientId = 'switchyard-test'): KafkaClient {
  const settings = kafkaSettingsFromEnv({
    KAFKA_BROKERS: testBrokers(),
    KAFKA_CLIENT_ID: clientId,
    // The whole suite runs on whichever adapter (and group protocol) the environment names.
    KAFKA_CLIENT: process.env.KAFKA_CLIENT,
    KAFKA_GROUP_PROTOCOL: process.env.KAFKA_GROUP_PROTOCOL,
  });
  return createKafkaClient(settings, createLogger(clientId, { level: process.env.LOG_LEVEL ?? 'warn' }));
}

/** How long the cleanup waits for members of a group to leave (a consumer closing after the test). */
const GROUP_CLEANUP_TIMEOUT_MS = 3_000;

/** The admin of {@link testAdmin}: topics and consumer groups it deletes when the test finishes. */
export type TestAdmin = AdminPort & {
  deleteAfterTest(topics: readonly string[]): void;
  /** Consumer groups the test made (e.g. a worker's, with committed offsets) to delete after it. */
  deleteGroupsAfterTest(groups: readonly string[]): void;
};

/**
 * A connected admin that is disconnected, and whose listed topics and groups are deleted, when the
 * current test finishes (pass, fail or timeout). It is cleaned up after the consumers the test
 * made later (vitest runs onTestFinished callbacks last-in first-out), so their groups are empty.
 */
export async function testAdmin(client: KafkaClient = testClient()): Promise<TestAdmin> {
  const admin = client.admin();
  await admin.connect();
  const owned = new Set<string>();
  const groups = new Set<string>();
  onTestFinished(async () => {
    try {
      if (groups.size > 0) await deleteGroups(client, [...groups]);
      const existing = new Set(await admin.listTopics());
      const doomed = [...owned].filter((t) => existing.has(t));
      if (doomed.length > 0) await admin.deleteTopics(doomed);
    } finally {
      await admin.disconnect();
    }
  });
  return Object.assign(admin, {
    deleteAfterTest: (topics: readonly string[]) => topics.forEach((t) => owned.add(t)),
    deleteGroupsAfterTest: (names: readonly string[]) => names.forEach((g) => groups.add(g)),
  });
}

/**
 * Deletes `groups`, retrying while members are still leaving; warns about the ones left. Uses an
 * admin of its own: kafkajs' DeleteGroups first refreshes the metadata of every topic its admin has
 * touched, and fails when one of them was deleted meanwhile (by another cleanup).
 */
async function deleteGroups(client: KafkaClient, groups: readonly string[]): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    let left = groups;
    const deadline = Date.now() + GROUP_CLEANUP_TIMEOUT_MS;
    while (left.length > 0) {
      const refused = await admin.deleteGroups(left);
      left = refused.map((r) => r.groupId);
      if (left.length > 0 && Date.now() > deadline) {
        console.warn(`test cleanup: consumer groups not deleted: ${refused.map((r) => `${r.groupId} (${r.error})`).join(', ')}`);
        return;
      }
      if (left.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
