import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '@switchyard/protocol';
import { createKafkaClient, registeredKafkaClients } from './create-kafka-client.js';
import { KAFKA_CLIENTS, kafkaSettingsFromEnv } from './kafka.options.js';

describe('createKafkaClient', () => {
  it('registers an adapter for every KAFKA_CLIENTS name', () => {
    expect(registeredKafkaClients()).toEqual([...KAFKA_CLIENTS]);
  });

  it('refuses KAFKA_GROUP_PROTOCOL=consumer before connecting: no adapter in this build speaks KIP-848 yet', () => {
    for (const client of KAFKA_CLIENTS) {
      const settings = kafkaSettingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:1', KAFKA_CLIENT: client, KAFKA_GROUP_PROTOCOL: 'consumer' });
      const refusal = (() => {
        try {
          createKafkaClient(settings);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(refusal).toBeInstanceOf(SwitchyardError);
      expect(refusal).toMatchObject({ code: 'SY_INVALID_ENV', hint: 'Unset KAFKA_GROUP_PROTOCOL or set it to classic.' });
      expect((refusal as Error).message).toBe(
        `KAFKA_GROUP_PROTOCOL=consumer: the ${client} client speaks only the classic group protocol (no adapter in this build speaks KIP-848 yet).`,
      );
    }
  });
});
