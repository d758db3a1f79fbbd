import { SwitchyardError } from '@switchyard/protocol';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import { createKafkajsClient } from './kafkajs.adapter.js';
import { createPlatformaticClient } from './platformatic/platformatic.adapter.js';
import type { KafkaClient } from './kafka-client.port.js';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClientName, type KafkaConnectionSettings } from './kafka.options.js';

type AdapterFactory = (settings: KafkaConnectionSettings, logger: Logger) => KafkaClient;

/** Every adapter behind the port, by `KAFKA_CLIENT` name. */
const ADAPTERS: Partial<Record<KafkaClientName, AdapterFactory>> = {
  kafkajs: createKafkajsClient,
  platformatic: createPlatformaticClient,
};

/**
 * Adapters that speak the KIP-848 consumer group protocol (`KAFKA_GROUP_PROTOCOL=consumer`):
 * @platformatic/kafka (consumer-protocol.membership.ts); kafkajs speaks only the classic protocol.
 */
const KIP848_CLIENTS: readonly KafkaClientName[] = ['platformatic'];

/**
 * The adapters this build has, in `KAFKA_CLIENTS` order: the default matrix of the port and
 * connection tests.
 */
export function registeredKafkaClients(): KafkaClientName[] {
  return KAFKA_CLIENTS.filter((name) => ADAPTERS[name] !== undefined);
}

/**
 * The client every Switchyard process uses: the adapter `settings.client` names (`KAFKA_CLIENT`),
 * {@link DEFAULT_KAFKA_CLIENT} when unset. Code against the returned {@link KafkaClient} port only.
 */
export function createKafkaClient(settings: KafkaConnectionSettings, logger: Logger = createLogger('kafka')): KafkaClient {
  const name = settings.client ?? DEFAULT_KAFKA_CLIENT;
  const factory = ADAPTERS[name];
  if (!factory) {
    throw new SwitchyardError('SY_INVALID_ENV', `KAFKA_CLIENT=${name}: this client has no adapter in this build.`, {
      hint: `Set KAFKA_CLIENT to one of: ${Object.keys(ADAPTERS).join(', ')}.`,
    });
  }
  if (settings.groupProtocol === 'consumer' && !KIP848_CLIENTS.includes(name)) {
    const speakers = KIP848_CLIENTS.length > 0 ? `only ${KIP848_CLIENTS.join(', ')} does` : 'no adapter in this build speaks KIP-848 yet';
    throw new SwitchyardError('SY_INVALID_ENV', `KAFKA_GROUP_PROTOCOL=consumer: the ${name} client speaks only the classic group protocol (${speakers}).`, {
      hint: 'Unset KAFKA_GROUP_PROTOCOL or set it to classic.',
    });
  }
  return factory(settings, logger);
}
