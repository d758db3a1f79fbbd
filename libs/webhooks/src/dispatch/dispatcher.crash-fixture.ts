/**
 * A webhook dispatcher process for the kill -9 test (dispatcher.crash.int.test.ts): endpoints from
 * CRASH_REGISTRY_TOPIC, delivery log to CRASH_DELIVERIES_TOPIC, receivers on 127.0.0.1 allowed.
 * Not part of the library.
 */
import { createKafkaClient, createLogger, kafkaSettingsFromEnv } from '@switchyard/kafka';
import { WebhookDispatcher } from './webhook-dispatcher.js';

const log = createLogger('webhook-crash-fixture', { level: process.env.LOG_LEVEL ?? 'warn' });
const client = createKafkaClient(kafkaSettingsFromEnv(), log);
const dispatcher = new WebhookDispatcher(
  client,
  {
    registryTopic: process.env.CRASH_REGISTRY_TOPIC!,
    deliveriesTopic: process.env.CRASH_DELIVERIES_TOPIC!,
    deliveriesPartitions: 3,
    startFrom: 'earliest',
    reconcileIntervalMs: 200,
    sessionTimeoutMs: 6_000,
    instanceId: 'crash-instance',
    ssrf: { allow: ['127.0.0.1/32'] },
  },
  { log, topology: { partitions: 3 } },
);
await dispatcher.start();
process.on('SIGTERM', () => void dispatcher.close().then(() => process.exit(0)));
