import { SwitchyardError } from '@switchyard/protocol';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import { createConfluentClient } from './confluent/confluent.adapter.js';
import { createKafkajsClient } from './kafkajs.adapter.js';
import { createPlatformaticClient } from './platformatic/platformatic.adapter.js';
import type { KafkaClient } from './kafka-client.port.js';
import { KAFKA_CLIENTS, type KafkaClientName, type KafkaConnectionSettings } from './kafka.options.js';

type AdapterFactory = (settings: KafkaConnectionSettings, logger: Logger) => KafkaClient;

/** Every adapter behind the port, by `KAFKA_CLIENT` name. */
const ADAPTERS: Partial<Record<KafkaClientName, AdapterFactory>> = {
  kafkajs: createKafkajsClient,
  confluent: createConfluentClient,
  platformatic: createPlatformaticClient,
};

/** The adapters this build has, in `KAFKA_CLIENTS` order (the port contract tests run on each). */
export function registeredKafkaClients(): KafkaClientName[] {
  return KAFKA_CLIENTS.filter((name) => ADAPTERS[name] !== undefined);
}

/**
 * The client every Switchyard process uses: the adapter `settings.client` names (`KAFKA_CLIENT`),
 * kafkajs when unset. Code against the returned {@link KafkaClient} port only.
 */
export function createKafkaClient(settings: KafkaConnectionSettings, logger: Logger = createLogger('kafka')): KafkaClient {
  const name = settings.client ?? 'kafkajs';
  const factory = ADAPTERS[name];
  if (!factory) {
    throw new SwitchyardError('SY_INVALID_ENV', `KAFKA_CLIENT=${name}: this client has no adapter in this build.`, {
      hint: `Set KAFKA_CLIENT to one of: ${Object.keys(ADAPTERS).join(', ')}.`,
    });
  }
  return factory(settings, logger);
}
