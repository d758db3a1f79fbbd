import { randomUUID } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import { createKafkajsClient, createLogger, kafkaSettingsFromEnv, type AdminPort, type KafkaClient } from '@switchyard/kafka';

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
  const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: testBrokers(), KAFKA_CLIENT_ID: clientId });
  return createKafkajsClient(settings, createLogger(clientId, { level: process.env.LOG_LEVEL ?? 'warn' }));
}

/**
 * A connected admin that is disconnected, and whose listed topics are deleted, when the current
 * test finishes (pass, fail or timeout).
 */
export async function testAdmin(client: KafkaClient = testClient()): Promise<AdminPort & { deleteAfterTest(topics: readonly string[]): void }> {
  const admin = client.admin();
  await admin.connect();
  const owned = new Set<string>();
  onTestFinished(async () => {
    const existing = new Set(await admin.listTopics());
    const doomed = [...owned].filter((t) => existing.has(t));
    if (doomed.length > 0) await admin.deleteTopics(doomed);
    await admin.disconnect();
  });
  return Object.assign(admin, { deleteAfterTest: (topics: readonly string[]) => topics.forEach((t) => owned.add(t)) });
}
