import type { Logger } from 'pino';
import { createLogger } from '../../logging/logger.js';
import { connectionSecurityWarnings } from '../connection-security.js';
import type { KafkaConnectionSettings } from '../kafka.options.js';
import type { ConsumerOptions, KafkaClient, ProducerOptions } from '../kafka-client.port.js';
import { PlatformaticAdmin } from './platformatic.admin.js';
import { PlatformaticConsumer } from './platformatic.consumer.js';
import { platformaticConnector } from './platformatic.errors.js';
import { PlatformaticProducer } from './platformatic.producer.js';

/**
 * A {@link KafkaClient} on @platformatic/kafka (pure TypeScript). Producers are idempotent with
 * acks=all and place keys as the Java client does; consumers read committed by default, assign by
 * range when `coPartitioned`, await the revoke listeners before rejoining and fence their commits
 * and transactions by generation and member id (KIP-447). Logs the connection-security warnings;
 * `connect()` fails at once with SY_KAFKA_AUTH_FAILED or SY_KAFKA_TLS_UNTRUSTED.
 */
export function createPlatformaticClient(settings: KafkaConnectionSettings, logger: Logger = createLogger('kafka')): KafkaClient {
  for (const warning of connectionSecurityWarnings(settings)) logger.warn({ clientId: settings.clientId, brokers: settings.brokers }, warning);
  const connect = platformaticConnector(settings);
  const log = logger.child({ client: 'platformatic' });
  /**
   * Lookups (group coordinators, topic lists) on an admin of their own, closed right after: the
   * port has no client close, and an open connection would keep the process alive.
   */
  const lookup = async <T>(ask: (admin: PlatformaticAdmin) => Promise<T>): Promise<T> => {
    const admin = new PlatformaticAdmin(settings, connect);
    try {
      return await ask(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  const coordinators = new Map<string, Promise<number>>();
  const coordinatorOf = (groupId: string, { fresh = false } = {}) => {
    // Fresh after a failed TxnOffsetCommit: the coordinator may have moved with a lost broker.
    let found = fresh ? undefined : coordinators.get(groupId);
    if (!found) {
      found = lookup((admin) => admin.coordinatorOf(groupId));
      found.catch(() => coordinators.delete(groupId));
      coordinators.set(groupId, found);
    }
    return found;
  };
  return {
    clientId: settings.clientId,
    settings,
    producer: (options: ProducerOptions = {}) => new PlatformaticProducer(settings, options, connect, coordinatorOf, log),
    consumer: (options: ConsumerOptions) => new PlatformaticConsumer(settings, options, connect, () => lookup((admin) => admin.listTopics()), log),
    admin: () => new PlatformaticAdmin(settings, connect),
  };
}
