import { SwitchyardError } from '@switchyard/protocol';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import { createConfluentClient } from './confluent/confluent.adapter.js';
import { createKafkajsClient } from './kafkajs.adapter.js';
import { createPlatformaticClient } from './platformatic/platformatic.adapter.js';
import type { KafkaClient } from './kafka-client.port.js';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClientName, type KafkaConnectionSettings } from './kafka.options.js';

type AdapterFactory = (settings: KafkaConnectionSettings, logger: Logger) => KafkaClient;

/** Every adapter behind the port, by `KAFKA_CLIENT` name. */
const ADAPTERS: Partial<Record<KafkaClientName, AdapterFactory>> = {
  kafkajs: createKafkajsClient,
  confluent: createConfluentClient,
  platformatic: createPlatformaticClient,
};

/**
 * Adapters that are built and selectable but do not pass the port contract yet (issue 10 lists
 * what fails): they stay out of the default test matrix and log a warning when chosen.
 * confluent: transaction markers are not counted in `lastOffset`, the generation is private to
 * the binding, setGroupOffsets is not refused while members run, and the worker dies on a
 * coordinator kill (librdkafka assertion).
 */
export const INCOMPLETE_KAFKA_CLIENTS: readonly KafkaClientName[] = ['confluent'];

/** Adapters that speak the KIP-848 consumer group protocol (`KAFKA_GROUP_PROTOCOL=consumer`). */
const KIP848_CLIENTS: readonly KafkaClientName[] = ['confluent'];

/**
 * The adapters this build has, in `KAFKA_CLIENTS` order; without `includeIncomplete`, only those
 * that pass the port contract (the default matrix of the port and connection tests).
 */
export function registeredKafkaClients({ includeIncomplete = false } = {}): KafkaClientName[] {
  return KAFKA_CLIENTS.filter((name) => ADAPTERS[name] !== undefined && (includeIncomplete || !INCOMPLETE_KAFKA_CLIENTS.includes(name)));
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
    throw new SwitchyardError('SY_INVALID_ENV', `KAFKA_GROUP_PROTOCOL=consumer: the ${name} client speaks only the classic group protocol.`, {
      hint: `Unset KAFKA_GROUP_PROTOCOL (classic), or choose a client that speaks KIP-848: ${KIP848_CLIENTS.join(', ')}.`,
    });
  }
  if (INCOMPLETE_KAFKA_CLIENTS.includes(name)) {
    logger.warn({ client: name }, `KAFKA_CLIENT=${name}: this adapter does not pass the port contract yet; see issue 10 and bench/README.md before using it`);
  }
  return factory(settings, logger);
}
